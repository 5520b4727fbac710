import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UpgradeProbe, type ProbeOutcome } from './upgrade-probe.js';

function probe() {
  const outcomes: ProbeOutcome[] = [];
  return { p: new UpgradeProbe((o) => outcomes.push(o)), outcomes };
}

test('an upgrade the link has recently carried goes ahead without a probe', () => {
  const { p, outcomes } = probe();
  assert.equal(p.allowUpgrade(1_000_000, 950_000, 0), true);
  assert.equal(p.paddingBps(400_000), 0);
  assert.deepEqual(outcomes, [], 'no probe ran');
});

test('otherwise the probe pads up to a little above the new rate, and the upgrade waits until that arrives', () => {
  const { p, outcomes } = probe();
  assert.equal(p.allowUpgrade(1_000_000, 450_000, 0), false);
  assert.equal(Math.round(p.paddingBps(450_000)), 650_000, 'to 10 % above the new rate');
  assert.equal(p.allowUpgrade(1_000_000, 700_000, 500), false, 'not arrived yet');
  assert.equal(p.allowUpgrade(1_000_000, 1_050_000, 1500), true, 'arrived');
  assert.equal(p.paddingBps(450_000), 0, 'padding stops');
  assert.equal(p.allowUpgrade(1_000_000, 450_000, 5000), true, 'granted while the new layer starts to flow');
  assert.equal(p.allowUpgrade(1_000_000, 450_000, 9000), true, 'however long that takes');
  assert.equal(p.allowUpgrade(1_200_000, 450_000, 9000), false, 'a larger upgrade needs its own probe');
  p.stop();
  assert.equal(p.allowUpgrade(1_000_000, 450_000, 9500), false, 'once nothing is pending, the grant is gone');
  assert.deepEqual(outcomes, ['carried', 'refused']);
});

test('when the estimate backs off, the plan drops the upgrade: the probe ends refused, the layer never moved', () => {
  const { p, outcomes } = probe();
  assert.equal(p.allowUpgrade(1_200_000, 450_000, 0), false);
  p.stop();
  assert.equal(p.paddingBps(450_000), 0);
  p.stop();
  assert.deepEqual(outcomes, ['refused'], 'counted once');
});

test('a probe that proves nothing in time refuses the upgrade, and the next one waits; a larger one mid-probe raises the target', () => {
  const { p, outcomes } = probe();
  assert.equal(p.allowUpgrade(800_000, 300_000, 0), false);
  assert.equal(p.allowUpgrade(1_500_000, 1_000_000, 400), false);
  assert.ok(p.paddingBps(300_000) > 1_300_000, 'aims at the larger target');
  assert.equal(p.allowUpgrade(1_500_000, 1_000_000, 1999), false);
  assert.equal(p.allowUpgrade(1_500_000, 1_000_000, 2000), false, 'the deadline of the first request holds');
  assert.deepEqual(outcomes, ['timed-out']);
  assert.equal(p.paddingBps(300_000), 0, 'padding stops');
  assert.equal(p.allowUpgrade(1_500_000, 300_000, 6000), false);
  assert.equal(p.paddingBps(300_000), 0, 'no new probe for a while');
  assert.equal(p.allowUpgrade(1_500_000, 300_000, 12_000), false);
  assert.ok(p.paddingBps(300_000) > 0, 'then the next probe');
});

test('padding is capped: a huge jump is not proven by a flood', () => {
  const { p } = probe();
  p.allowUpgrade(20_000_000, 100_000, 0);
  assert.equal(p.paddingBps(100_000), 5_000_000);
});
