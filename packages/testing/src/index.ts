export { chromiumArgs, findChromium, launchChromium } from './chromium.ts';
export { freePort } from './ports.ts';
