/** Global autograd switches, like torch.is_grad_enabled() and torch.autograd.set_detect_anomaly(). */
let gradEnabled = true;
let anomalyEnabled = false;

/** Whether operations are being recorded for autograd now, like torch.is_grad_enabled. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Turns gradient recording on or off globally, like torch.set_grad_enabled. */
export function setGradEnabled(enabled: boolean): void {
  gradEnabled = enabled;
}

function withMode<T>(enabled: boolean, fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Runs `fn` without recording gradients (PyTorch's `with torch.no_grad():`). `fn` must be synchronous. */
export function noGrad<T>(fn: () => T): T {
  return withMode(false, fn);
}

/** Runs `fn` with gradient recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  return withMode(true, fn);
}

/** Whether anomaly detection is on, like torch.is_anomaly_enabled. */
export function isAnomalyEnabled(): boolean {
  return anomalyEnabled;
}

/**
 * With one argument, runs `fn` with anomaly detection on: every backward node remembers the stack of
 * the forward call that created it, and a NaN produced in backward throws naming both.
 * `detectAnomaly(true|false)` switches it globally instead.
 */
export function detectAnomaly<T>(fn: () => T): T;
export function detectAnomaly(enabled: boolean): void;
export function detectAnomaly<T>(arg: boolean | (() => T)): T | undefined {
  if (typeof arg === 'boolean') {
    anomalyEnabled = arg;
    return undefined;
  }
  const prev = anomalyEnabled;
  anomalyEnabled = true;
  try {
    return arg();
  } finally {
    anomalyEnabled = prev;
  }
}
