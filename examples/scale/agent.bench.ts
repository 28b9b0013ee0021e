// 4.1 Memory and GC of an agent's message loop: parse a Slack-like message, keep the last 50 turns of the
// conversation, and build a reply. The stand-in for the platform's agent runtime is this loop in Node; with
// `memory: true` the suite also reports what a message allocates and the longest GC pause it causes.
import { defineBench } from 'perf-action';

interface Turn {
  user: string;
  text: string;
  at: number;
}

export default defineBench({
  params: { turns: [50] },
  setup: ({ turns }) => ({ history: [] as Turn[], keep: Number(turns), seq: 0 }),
  benches: {
    handle: (agent) => {
      agent.seq++;
      const raw = JSON.stringify({ user: `U${agent.seq % 17}`, text: `status of task ${agent.seq}?`, at: agent.seq });
      const msg = JSON.parse(raw) as Turn;
      agent.history.push(msg);
      if (agent.history.length > agent.keep) agent.history.shift();
      const mentions = agent.history.filter((t) => t.user === msg.user).length;
      return `<@${msg.user}> task ${msg.at} is running (${mentions} messages from you in the last ${agent.keep})`;
    },
  },
});
