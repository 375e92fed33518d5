// Issue 14 §3: the screen as a real Slurm job array on a single-node Slurm started for the test (Debian's
// slurm-wlm and munge, configured in a temporary directory): 2 shards, a dependent merge, and the merged rows
// equal an unsharded run row for row. Skips with the reason only where Slurm cannot start (CI fails a skip).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOOD } from '../helpers/fixtures';

const BIN = new URL('../../dist-cli/heterolab.mjs', import.meta.url).pathname;
const RUN = new URL('./run.sh', import.meta.url).pathname;
const flags = ['--films', `${GOOD}MoS2_monolayer.vasp,${GOOD}MoSSe_janus.vasp`, '--substrates', `${GOOD}Au_fcc_conventional.vasp,${GOOD}Cu_fcc_conventional.vasp`, '--facets', '111', '--max-area', '150', '--max-strain', '3'];

// Probe once: can a private Slurm start here? (The real run happens in the test; this only decides skip.)
const probe = spawnSync('bash', ['-c', 'command -v munged && command -v slurmctld && command -v slurmd && [ "$(id -u)" = 0 ]'], { encoding: 'utf8' });
const why = probe.status === 0 ? '' : 'slurm-wlm/munge not installed or not root';
if (why) console.log(`Slurm job-array test skipped: ${why}`);

describe.skipIf(!!why)('screen on Slurm (single node on localhost)', () => {
  it('a 2-task job array and a dependent merge give the unsharded rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-slurm-out-'));
    const r = spawnSync('bash', [RUN, dir, ...flags], { encoding: 'utf8', timeout: 900_000 });
    if (r.status === 77) throw new Error(`Slurm could not start here: ${r.stderr}`);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/array job \d+ \(2 shards\), merge job \d+/);
    const merged = JSON.parse(readFileSync(join(dir, 'screen.json'), 'utf8'));
    const whole = spawnSync(process.execPath, [BIN, 'screen', ...flags, '--json'], { encoding: 'utf8' });
    expect(whole.status, whole.stderr).toBe(0);
    expect(merged).toEqual(JSON.parse(whole.stdout));
    expect(merged).toHaveLength(6); // MoS2 one face, MoSSe two faces, × Au, Cu
    expect(readFileSync(join(dir, 'screen.csv'), 'utf8').split('\n')[0]).toMatch(/^index,film,face/);
  }, 900_000);
});
