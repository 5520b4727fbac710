/** `npm run host-link`: replace the instance host key and print the new host link. */
import { openDatabase } from '../store/database.js';
import { SettingsStore } from '../store/settings-store.js';
import { loadConfig } from './config.js';
import { hostLink, rotateHostKey } from './host-key.js';

const config = loadConfig();
const db = openDatabase(config.dataDir);
const key = rotateHostKey(new SettingsStore(db));
db.close();
const base = config.publicUrl ?? `http://localhost:${config.port}`;
process.stdout.write(`New host link (the previous one no longer works; keep this private):\n  ${hostLink(base, key)}\n`);
