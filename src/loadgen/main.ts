/** `npm run load -- [options]`: see options.ts for the options and run-load.ts for what happens. */
import { parseLoadArgs, USAGE } from './options.js';
import { formatReport } from './report.js';
import { runLoad } from './run-load.js';

// Exit through process.exit on Ctrl-C or a kill, so that the server this run started is stopped too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

if (process.argv.includes('--help')) {
  console.log(USAGE);
  process.exit(0);
}
let parsed: ReturnType<typeof parseLoadArgs>;
try {
  parsed = parseLoadArgs(process.argv.slice(2), process.env);
} catch (err) {
  console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  process.exit(2);
}
const report = await runLoad(parsed.options);
console.log(parsed.json ? JSON.stringify(report, null, 2) : formatReport(report));
