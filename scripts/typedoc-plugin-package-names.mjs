// TypeDoc plugin: names each entry-point module after the import specifier a consumer writes
// (`@kindling/core`, `@kindling/core/testing`, `@kindling/nn`...) instead of its source path
// (`core/src`).
import { Converter, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const mod of context.project.getReflectionsByKind(ReflectionKind.Module)) {
      const m = /^([^/]+)\/src(?:\/(.+))?$/.exec(mod.name);
      if (m && mod.parent === context.project) mod.name = `@kindling/${m[1]}${m[2] ? `/${m[2]}` : ''}`;
    }
  });
}
