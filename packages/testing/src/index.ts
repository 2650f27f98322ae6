export { chromiumArgs, findChromium, launchChromium } from './chromium.ts';
export { freePort } from './ports.ts';
export { prng, startChaosProxy, type ChaosOptions, type ChaosStats } from './chaos-proxy.ts';
export { forward, type Finish } from './forward.ts';
export {
  expectNoSeriousA11yViolations,
  formatA11yViolations,
  type A11yCheckOptions,
  type ColorScheme,
} from './a11y.ts';
