/** What the load run reads from the server's structured (pino) log. */

/** pino's level numbers: 40 is warn. */
const WARN = 40;

/** Warnings and errors of a structured server log, by message and reason (log lines carry no personal data). */
export function logProblems(lines: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of lines) {
    let entry: { level?: number; msg?: string; reason?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if ((entry.level ?? 0) < WARN || !entry.msg) continue;
    const key = entry.reason ? `${entry.msg} (${entry.reason})` : entry.msg;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
