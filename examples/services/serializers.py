"""Two serializers for the service layer's core structures (CallContext, ServiceCall), stand-ins
for the seed's "msgspec over Pydantic" decision:

- ``fast``: fixed-layout structs with __slots__, encoded field by field in a fixed order and decoded by
  position; no per-field validation (msgspec's model).
- ``validating``: models that check and coerce every field on the way in and out, recursively (Pydantic's).

``fast`` writes each call as a positional array (msgspec's array_like), ``validating`` as an object; both
decode to equal ServiceCalls. Replace them with your real codecs; the tests and perf.yml stay the same.
"""

import json


class CallContext:
    __slots__ = ("call_id", "service", "deadline_ms", "attempt", "tags")

    def __init__(self, call_id, service, deadline_ms, attempt, tags):
        self.call_id, self.service, self.deadline_ms, self.attempt, self.tags = (
            call_id, service, deadline_ms, attempt, tags)


class ServiceCall:
    __slots__ = ("context", "method", "payload", "priority")

    def __init__(self, context, method, payload, priority):
        self.context, self.method, self.payload, self.priority = context, method, payload, priority


def make_call(i):
    ctx = CallContext(f"call-{i}", "search", 30_000, 1, ["prod", f"shard-{i % 8}"])
    return ServiceCall(ctx, "query", {"q": f"agents near {i}", "limit": 20, "offset": i}, i % 3)


def make_calls(kb):
    """Enough ServiceCalls to make about `kb` KB of JSON as objects (about 225 bytes each)."""
    return [make_call(i) for i in range(max(1, round(kb * 1000 / 225)))]


# --- fast ---------------------------------------------------------------------------------------------

def _fast_plain(obj):
    return [obj.context.call_id, obj.context.service, obj.context.deadline_ms, obj.context.attempt,
            obj.context.tags, obj.method, obj.payload, obj.priority]


_ENCODER = json.JSONEncoder(separators=(",", ":"))  # made once: json.dumps with options builds one per call


def fast_encode(calls):
    return _ENCODER.encode([_fast_plain(c) for c in calls])


def fast_decode(text):
    return [ServiceCall(CallContext(r[0], r[1], r[2], r[3], r[4]), r[5], r[6], r[7]) for r in json.loads(text)]


# --- validating ---------------------------------------------------------------------------------------

SCHEMA = {
    CallContext: {"call_id": str, "service": str, "deadline_ms": int, "attempt": int, "tags": list},
    ServiceCall: {"context": CallContext, "method": str, "payload": dict, "priority": int},
}


def _validate(value, kind, where):
    if kind in SCHEMA:
        if not isinstance(value, kind):
            raise TypeError(f"{where}: expected {kind.__name__}")
        return {name: _validate(getattr(value, name), k, f"{where}.{name}") for name, k in SCHEMA[kind].items()}
    if kind is int and isinstance(value, str) and value.isdigit():
        value = int(value)  # coercion, as a lax validator does
    if not isinstance(value, kind):
        raise TypeError(f"{where}: expected {kind.__name__}, got {type(value).__name__}")
    if kind is list:
        return [_validate(v, type(v), f"{where}[{i}]") for i, v in enumerate(value)]
    if kind is dict:
        return {str(k): _validate(v, type(v), f"{where}.{k}") for k, v in value.items()}
    return value


def _build(data, kind, where):
    fields = SCHEMA[kind]
    missing = [name for name in fields if name not in data]
    if missing:
        raise ValueError(f"{where}: missing {missing}")
    args = {}
    for name, k in fields.items():
        v = data[name]
        args[name] = _build(v, k, f"{where}.{name}") if k in SCHEMA else _validate(v, k, f"{where}.{name}")
    return kind(**args)


def validating_encode(calls):
    return json.dumps([_validate(c, ServiceCall, f"$[{i}]") for i, c in enumerate(calls)])


def validating_decode(text):
    return [_build(d, ServiceCall, f"$[{i}]") for i, d in enumerate(json.loads(text))]
