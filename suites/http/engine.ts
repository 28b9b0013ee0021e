// The load generator inside one worker thread: an undici keep-alive pool, and either closed-model users
// (a loop of pick -> request -> think) or open-model arrivals on a schedule. Every exchange is recorded by
// its start time into a sample window; warm-up and anything after the run are not recorded.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Pool } from 'undici';
import { type Outcome, type SendOptions, send } from './client.ts';
import {
  type BuiltRequest,
  type CompiledPlan,
  type CompiledRequest,
  type CompiledUntil,
  compileRequests,
} from './compile.ts';
import { captureText, readJsonPath } from './jsonpath.ts';
import type { GeneratorHealth, WorkerResult, WorkerSetup } from './protocol.ts';
import { RequestRecorder } from './recorder.ts';
import { ArrivalSchedule, levelAt, thinkMs } from './shape.ts';
import type { RenderScope } from './template.ts';
import { warmUpClient } from './warmup.ts';

/** An open-model start this far behind its intended time counts as late. */
export const LATE_MS = 10;

interface Session {
  vars: Map<string, string>;
  /** Built once per session: rendering runs on every request. */
  scope: RenderScope;
}

/** Why a response counts as failed, or undefined when it passed. */
export function judgeOutcome(req: CompiledRequest, o: Outcome, elapsedMs: number): string | undefined {
  if (o.error !== undefined) return o.error;
  const status = o.status ?? 0;
  const e = req.expect;
  if (e.status) {
    if (!e.status.has(status)) return `status ${status} (expected ${e.statusText})`;
  } else if (status >= 400) return `status ${status}`;
  if (e.latencyMs !== undefined && (e.inclusive ? elapsedMs > e.latencyMs : elapsedMs >= e.latencyMs)) {
    return `slower than ${e.inclusive ? '' : '<'}${e.latencyMs}ms`;
  }
  if (e.bodyContains !== undefined && !(o.body ?? '').includes(e.bodyContains)) {
    return `body lacks ${JSON.stringify(e.bodyContains.slice(0, 40))}`;
  }
  return undefined;
}

/** Store the captures of a passed response into the session; a missing value is a failure reason. */
export function applyCaptures(req: CompiledRequest, body: string | undefined, vars: Map<string, string>) {
  if (req.captures.length === 0) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(body ?? '');
  } catch {
    return 'capture: response is not JSON';
  }
  for (const [name, steps] of req.captures) {
    const v = captureText(readJsonPath(doc, steps));
    if (v === undefined) return `capture ${name}: not in response`;
    vars.set(name, v);
  }
  return undefined;
}

export class Engine {
  private readonly compiled: CompiledPlan;
  private readonly pool: Pool;
  readonly recorders: RequestRecorder[];
  private readonly dropped: number[];
  private readonly late: number[];
  private t0 = 0;
  private running = false;
  private closing = false;
  private stopped = false;
  private seq = 0;
  private done = 0;
  private errors = 0;
  private inFlight = 0;
  private readonly tasks = new Set<Promise<void>>();
  private readonly hasRequires: boolean;
  private finished: (() => void) | undefined;
  private readonly basePath: string;
  /** Per series index: built once, passed with every request. */
  private readonly sendOptions: SendOptions[];

  constructor(private readonly setup: WorkerSetup) {
    this.compiled = compileRequests(setup.config, setup.env);
    const { plan } = setup;
    const target = new URL(setup.config.target);
    this.basePath = target.pathname.replace(/\/+$/, '');
    this.sendOptions = [...this.compiled.requests, ...this.compiled.setup].map((r) => ({
      timeoutMs: r.timeoutMs,
      keepBody: r.keepBody,
      ...(r.stream ? { stream: r.stream } : {}),
    }));
    this.pool = new Pool(target.origin, {
      connections: plan.connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
    });
    this.recorders = this.compiled.names.map(
      (_, i) =>
        new RequestRecorder(
          plan.windows,
          (this.compiled.requests[i] ?? this.compiled.setup[i - this.compiled.requests.length])?.stream !== undefined,
        ),
    );
    this.dropped = new Array(plan.windows).fill(0);
    this.late = new Array(plan.windows).fill(0);
    this.hasRequires = this.compiled.requests.some((r) => r.requires.length > 0);
  }

  /** Render and send; the target's own path (http://host/prefix) goes before every request path. */
  private send(req: CompiledRequest, session: Session): Promise<Outcome> {
    let built: BuiltRequest;
    try {
      built = req.build(session.scope);
    } catch (err) {
      // A value that cannot go into a request (a captured string with a lone UTF-16 surrogate cannot be
      // URI-encoded) fails this request, with the reason; it must not take the whole thread down.
      const error = `request could not be built: ${(err as Error)?.message ?? String(err)}`;
      return Promise.resolve({ events: 0, endAt: performance.now(), error });
    }
    if (this.basePath) built.path = this.basePath + built.path;
    return send(this.pool, built, this.sendOptions[req.index] as SendOptions);
  }

  progress(): { done: number; errors: number } {
    return { done: this.done, errors: this.errors };
  }

  private newSession(): Session {
    const vars = new Map<string, string>();
    return { vars, scope: { vars, nextSeq: () => this.seq++ * this.setup.workers + this.setup.index } };
  }

  /** The sample window of a start time (ms since t0), or -1 outside the measured period. */
  private windowOf(startMs: number): number {
    const { warmupMs, windowMs, windows } = this.setup.plan;
    const w = Math.floor((startMs - warmupMs) / windowMs);
    return w >= 0 && w < windows ? w : -1;
  }

  /** A weighted pick among the requests whose variables this session has. */
  private pick(session: Session): CompiledRequest | undefined {
    const reqs = this.compiled.requests;
    let total = 0;
    for (const r of reqs) if (!this.hasRequires || r.requires.every((v) => session.vars.has(v))) total += r.weight;
    if (total === 0) return undefined;
    let x = Math.random() * total;
    let last: CompiledRequest | undefined;
    for (const r of reqs) {
      if (this.hasRequires && !r.requires.every((v) => session.vars.has(v))) continue;
      last = r;
      x -= r.weight;
      if (x < 0) return r;
    }
    // Rounding can leave x a hair above 0 after the last eligible request.
    return last;
  }

  /** Send one request and record it; `origin` is the time latency counts from (the intended start). */
  private async exchange(req: CompiledRequest, session: Session, origin: number): Promise<boolean> {
    const o = await this.send(req, session);
    // Requests cut short by a stop are neither successes nor failures of the system under test.
    if (this.closing) return false;
    let elapsed = o.endAt - origin;
    let reason = judgeOutcome(req, o, elapsed);
    if (reason === undefined) reason = applyCaptures(req, o.body, session.vars);
    if (reason === undefined && req.until) {
      // Asynchronous work: the request is done when its status says so; latency runs to that poll.
      const polled =
        req.until.follow === 'sse'
          ? await this.followUntil(req.until, session, origin)
          : await this.pollUntil(req.until, session, origin);
      if (this.closing) return false;
      if (typeof polled === 'string') reason = polled;
      else elapsed = polled - origin;
    }
    this.done++;
    const win = this.windowOf(origin - this.t0);
    if (reason !== undefined) this.errors++;
    if (win < 0) return reason === undefined;
    const rec = this.recorders[req.index] as RequestRecorder;
    rec.counts[win] = (rec.counts[win] ?? 0) + 1;
    if (reason !== undefined) rec.fail(win, reason);
    // Transport errors have no response time; answered requests (also failed ones) do.
    if (o.status !== undefined) {
      rec.latency.record(win, elapsed);
      if (o.headersAt !== undefined) rec.ttfb?.record(win, o.headersAt - origin);
      if (o.firstEventAt !== undefined) rec.firstEvent?.record(win, o.firstEventAt - origin);
      if (o.events >= 2 && o.lastEventAt !== undefined && o.firstEventAt !== undefined) {
        const span = o.lastEventAt - o.firstEventAt;
        if (span > 0) rec.eventRates.push([win, ((o.events - 1) * 1000) / span]);
      }
    }
    return reason === undefined;
  }

  /** The `until` status request for this session, under the target's path; a reason when it cannot be built. */
  private statusRequest(until: CompiledUntil, session: Session): BuiltRequest | string {
    try {
      const built = until.build(session.scope);
      if (this.basePath) built.path = this.basePath + built.path;
      return built;
    } catch (err) {
      return `until: the status request could not be built: ${(err as Error).message}`;
    }
  }

  /**
   * Polls `until.path` every interval until its JSON path equals the value: resolves to when the matching
   * response arrived, or a failure reason (timeout, or a stop). Error answers while polling (a 404 before the
   * job is visible) are polled through; only the timeout ends the wait.
   */
  private async pollUntil(until: CompiledUntil, session: Session, origin: number): Promise<number | string> {
    let last = 'no answer';
    const opts = { timeoutMs: until.timeoutMs, keepBody: true };
    while (!this.closing) {
      const left = until.timeoutMs - (performance.now() - origin);
      if (left <= 0) return `until: ${until.json} was not ${until.equals} within ${until.timeoutMs} ms (last: ${last})`;
      await new Promise((r) => setTimeout(r, Math.min(until.intervalMs, left)));
      const built = this.statusRequest(until, session);
      if (typeof built === 'string') return built;
      const o = await send(this.pool, built, opts);
      if (o.error || o.status === undefined) {
        last = o.error ?? 'no answer';
        continue;
      }
      let value: unknown;
      try {
        value = readJsonPath(JSON.parse(o.body ?? ''), until.steps);
      } catch {
        last = `HTTP ${o.status}, not JSON`;
        continue;
      }
      const text = captureText(value);
      if (text === until.equals) return o.endAt;
      last = `HTTP ${o.status}, ${until.json} = ${text ?? 'absent'}`;
    }
    return 'stopped';
  }

  /**
   * `follow: sse`: opens the status URL once as an event stream and reads each event's data until its JSON
   * path equals the value: resolves to when that event arrived, or a failure reason (the stream ended or
   * failed first, or the timeout from the first send passed).
   */
  private async followUntil(until: CompiledUntil, session: Session, origin: number): Promise<number | string> {
    const left = until.timeoutMs - (performance.now() - origin);
    const late = (last: string) =>
      `until: ${until.json} was not ${until.equals} within ${until.timeoutMs} ms (last: ${last})`;
    if (left <= 0) return late('no event');
    const built = this.statusRequest(until, session);
    if (typeof built === 'string') return built;
    built.headers = { ...built.headers, accept: 'text/event-stream' };
    let last = 'no event';
    const watch = (data: string): boolean => {
      let value: unknown;
      try {
        value = readJsonPath(JSON.parse(data), until.steps);
      } catch {
        last = 'an event whose data is not JSON';
        return false;
      }
      const text = captureText(value);
      if (text === until.equals) return true;
      last = `${until.json} = ${text ?? 'absent'}`;
      return false;
    };
    const o = await send(this.pool, built, { timeoutMs: left, keepBody: false, watch, deadlineMs: left });
    if (o.matchedAt !== undefined) return o.matchedAt;
    if (this.closing) return 'stopped';
    if (o.error === 'timeout') return late(last);
    if (o.error) return `until: the event stream failed (${o.error}; last: ${last})`;
    if (o.status !== undefined && o.status >= 300) return `until: the event stream answered HTTP ${o.status}`;
    return `until: the event stream ended before ${until.json} was ${until.equals} (last: ${last})`;
  }

  /** A user's (or an open-model session's) once-only setup requests, in order; stops at the first failure. */
  private async runSetup(session: Session, record: boolean): Promise<boolean> {
    for (const req of this.compiled.setup) {
      if (!this.running && record) return false;
      const ok = record ? await this.exchange(req, session, performance.now()) : await this.quiet(req, session);
      if (!ok) return false;
    }
    return true;
  }

  /** An unrecorded exchange (open-model session setup, before the clock starts). */
  private async quiet(req: CompiledRequest, session: Session): Promise<boolean> {
    const o = await this.send(req, session);
    return judgeOutcome(req, o, 0) === undefined && applyCaptures(req, o.body, session.vars) === undefined;
  }

  private track(p: Promise<void>): void {
    this.tasks.add(p);
    void p.finally(() => this.tasks.delete(p));
  }

  /** Open-model sessions run their setup before the clock starts: arrivals must not wait for logins. */
  private sessions: Session[] = [];
  async prepare(): Promise<void> {
    await warmUpClient();
    if (this.setup.plan.model !== 'open') return;
    this.sessions = Array.from({ length: this.setup.plan.sessions }, () => this.newSession());
    if (this.compiled.setup.length === 0) return;
    this.running = true;
    await Promise.all(this.sessions.map((s) => this.runSetup(s, false)));
    this.running = false;
  }

  /** Run the load from `t0` (performance.now() of this thread); resolves when it is over or stopped. */
  async run(t0: number): Promise<WorkerResult> {
    this.t0 = t0;
    this.running = !this.stopped;
    const lag = monitorEventLoopDelay({ resolution: 10 });
    const wait = t0 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // Timers may fire up to a millisecond early; a start before t0 would fall outside the measured period.
    while (performance.now() < t0) await new Promise((r) => setImmediate(r));
    lag.enable();
    const elu0 = performance.eventLoopUtilization();
    const over = new Promise<void>((resolve) => {
      this.finished = resolve;
    });
    if (this.stopped) this.end();
    else if (this.setup.plan.model === 'open') this.openLoop();
    else this.closedLoop();
    await over;
    // Let requests in flight finish (they were started inside the run); the pool is closed after a grace.
    const grace = new Promise((r) => setTimeout(r, this.maxTimeout() + 1000).unref());
    await Promise.race([Promise.allSettled([...this.tasks]), grace]);
    this.closing = true;
    lag.disable();
    const health: GeneratorHealth = {
      elu: performance.eventLoopUtilization(elu0).utilization,
      lagP99Ms: lag.count > 0 ? lag.percentile(99) / 1e6 : 0,
      lagMaxMs: lag.count > 0 ? lag.max / 1e6 : 0,
    };
    await this.pool.destroy().catch(() => undefined);
    return {
      requests: this.recorders.map((r) => r.encode()),
      dropped: this.dropped,
      late: this.late,
      health,
    };
  }

  /** Stop now (abort): in-flight requests are abandoned, everything recorded so far is kept. */
  stop(): void {
    this.stopped = true;
    this.running = false;
    this.closing = true;
    for (const t of this.tasks) this.tasks.delete(t);
    this.finished?.();
  }

  private maxTimeout(): number {
    return Math.max(
      0,
      ...this.compiled.requests.map((r) => r.timeoutMs),
      ...this.compiled.setup.map((r) => r.timeoutMs),
    );
  }

  private end(): void {
    this.running = false;
    this.finished?.();
  }

  private closedLoop(): void {
    const { plan, index, workers } = this.setup;
    const active: boolean[] = [];
    let limit = 0;
    const user = async (u: number) => {
      const session = this.newSession();
      let ready = await this.runSetup(session, true);
      while (this.running && u < limit) {
        const req = ready ? this.pick(session) : undefined;
        if (!req) {
          // Nothing this user can send yet (its login failed or a variable is missing): try setup again later.
          await new Promise((r) => setTimeout(r, 50));
          ready = await this.runSetup(session, true);
          continue;
        }
        const ok = await this.exchange(req, session, performance.now());
        // A failure can settle without touching the event loop (a request rejected before sending): yield,
        // or a user with no think time would starve every timer of this thread.
        if (!ok) await new Promise((r) => setImmediate(r));
        const pause = thinkMs(plan.think);
        if (pause > 0 && this.running) await new Promise((r) => setTimeout(r, pause));
      }
      active[u] = false;
    };
    const control = () => {
      const t = performance.now() - this.t0;
      if (!this.running) {
        clearInterval(timer);
        return;
      }
      if (t >= plan.runMs) {
        clearInterval(timer);
        this.end();
        return;
      }
      limit = Math.ceil(levelAt(plan.stages, t) - 1e-9);
      for (let u = index; u < limit; u += workers) {
        if (active[u]) continue;
        active[u] = true;
        this.track(user(u));
      }
    };
    const timer = setInterval(control, 10);
    control();
  }

  private openLoop(): void {
    const { plan, index, workers } = this.setup;
    const schedule = new ArrivalSchedule(plan.stages);
    let k = index;
    let due = schedule.arrivalTime(k);
    let n = 0;
    const tick = () => {
      if (!this.running) return;
      const now = performance.now() - this.t0;
      while (due <= now) {
        if (due >= plan.runMs) {
          this.end();
          return;
        }
        this.launch(due, now, n++);
        k += workers;
        due = schedule.arrivalTime(k);
      }
      if (due >= plan.runMs) {
        // No arrival left for this worker: the run ends for it at runMs.
        setTimeout(() => this.end(), Math.max(0, plan.runMs - now));
        return;
      }
      const gap = due - now;
      if (gap > 2) setTimeout(tick, gap - 1);
      else setImmediate(tick);
    };
    tick();
  }

  private launch(dueMs: number, nowMs: number, n: number): void {
    const win = this.windowOf(dueMs);
    if (this.inFlight >= this.setup.plan.maxInFlight) {
      if (win >= 0) this.dropped[win] = (this.dropped[win] ?? 0) + 1;
      return;
    }
    if (nowMs - dueMs > LATE_MS && win >= 0) this.late[win] = (this.late[win] ?? 0) + 1;
    const session = this.sessions[n % this.sessions.length] as Session;
    const req = this.pick(session);
    if (!req) {
      // This session has no variables for any request yet (its setup failed): the start is lost, say so.
      if (win >= 0) this.dropped[win] = (this.dropped[win] ?? 0) + 1;
      return;
    }
    this.inFlight++;
    this.track(
      this.exchange(req, session, this.t0 + dueMs).then(
        () => {
          this.inFlight--;
        },
        () => {
          this.inFlight--;
        },
      ),
    );
  }
}
