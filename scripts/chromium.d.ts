import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';

export const CHROMIUM: string;
export const CHROMIUM_ARGS: readonly string[];
export function launchChromium(): Promise<Browser>;
export function localOnlyContext(browser: Browser, options?: BrowserContextOptions): Promise<{ context: BrowserContext; escaped: string[] }>;
