// Exits with one clear line (not a stack trace) when Chromium can be neither found nor installed.
import { ensureChromium } from './chromium-path.mjs';

if (!ensureChromium()) process.exit(1);
