/** Entry point of the browser client. zod-setup must come first (see there). */
import './zod-setup.js';
import './app.css';
import { App } from './app.js';

const root = document.getElementById('app');
if (root) new App(root).start();
