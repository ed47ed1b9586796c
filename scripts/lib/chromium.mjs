// How every browser test here launches Debian's Chromium through playwright-core: headless, WebGPU
// on (SwiftShader without a GPU), nothing downloaded and nothing written outside `home`.
// See shared/TOOLCHAIN.md ("Chromium headless").

/** Debian's chromium package (or $CHROMIUM_PATH); tests skip or fail clearly when it is missing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Options for playwright-core's `chromium.launch()` / `launchPersistentContext()`, with HOME and the
 * XDG folders pointed at `home` so Chromium and Mesa write only there.
 */
export function chromiumLaunchOptions(home) {
  return {
    executablePath: CHROMIUM,
    ignoreDefaultArgs: ['--headless'],
    args: [
      '--headless=new',
      '--no-sandbox',
      '--enable-unsafe-webgpu',
      '--disable-gpu-sandbox',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    env: {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: home,
      XDG_CACHE_HOME: home,
      MESA_SHADER_CACHE_DISABLE: 'true',
    },
  };
}
