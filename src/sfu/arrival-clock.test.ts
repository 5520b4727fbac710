import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArrivalClock } from './arrival-clock.js';

/**
 * A clock on a hand-driven time, with the loop's heartbeat every 5 ms while it runs; `receive`
 * handles `count` packets arriving every `everyMs`, as the loop handles them (all at the end of a
 * stall, if it is stalled).
 */
function driven() {
  let t = 1000;
  const clock = new ArrivalClock(() => t);
  const run = (ms: number) => {
    for (let i = 0; i < ms; i++) if (++t % 5 === 0) clock.beat();
  };
  const receive = (count: number, everyMs: number) => {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      run(everyMs);
      times.push(clock.arrivalMs());
    }
    return times;
  };
  return { clock, run, receive, time: () => t, stall: (ms: number) => (t += ms) };
}

test('with the loop running, a packet is timed when it is handled', () => {
  const { clock, receive, time } = driven();
  const times = receive(50, 4);
  assert.equal(times.at(-1), time());
  assert.deepEqual(times.slice(-3), [time() - 8, time() - 4, time()]);
  clock.close();
});

test('packets handled after a stall are spread over it at their usual spacing, not timed at its end', () => {
  const { clock, receive, time, stall } = driven();
  receive(200, 4); // packets every 4 ms
  const lastBeat = time() - (time() % 5);
  stall(80); // a join's synchronous SDP and DTLS work: 20 packets wait in the socket buffer
  const end = time();
  const times = Array.from({ length: 20 }, () => clock.arrivalMs());
  assert.ok(Math.abs(times[0]! - (lastBeat + 4)) < 1, `first at ${times[0]! - lastBeat} ms into the stall`);
  assert.ok(times.every((x, i) => i === 0 || x > times[i - 1]!), 'in order');
  assert.ok(times.at(-1)! <= end && times.at(-1)! > end - 10, `last ${end - times.at(-1)!} ms before the end`);
  clock.close();
});

test('more packets than the stall holds at that spacing are timed no later than they are handled', () => {
  const { clock, receive, time, stall } = driven();
  receive(200, 4);
  stall(40);
  const times = Array.from({ length: 30 }, () => clock.arrivalMs());
  assert.ok(times.every((x) => x <= time()));
  assert.equal(times.at(-1), time());
  assert.deepEqual([...times].sort((a, b) => a - b), times, 'never backwards');
  clock.close();
});

test('a timer a few ms late is no stall', () => {
  const { clock, receive, time, stall } = driven();
  receive(100, 4);
  stall(12);
  assert.equal(clock.arrivalMs(), time());
  clock.close();
});
