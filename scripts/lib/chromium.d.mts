/** Debian's chromium package. */
export declare const CHROMIUM: string;
/** playwright-core launch options for headless Chromium with WebGPU, writing only under `home`. */
export declare function chromiumLaunchOptions(home: string): {
  executablePath: string;
  ignoreDefaultArgs: string[];
  args: string[];
  env: Record<string, string | undefined>;
};
