/** Screen sizes the UI tests and the screenshots use. */
import type { BrowserContextOptions } from 'playwright-core';

export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };

/** A 390x844 phone (an iPhone 12–15 sized screen), touch, no mouse. */
export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
