import { ConfigError } from '../errors/index.js';
import { UnavailableRedisService } from './unavailable-redis-service.js';

// Structural views of Nest's internal container (stable since Nest 8): enough to see who was injected with what.
interface WrapperView {
  name?: unknown;
  token?: unknown;
  instance?: unknown;
  getCtorMetadata?(): (WrapperView | undefined)[] | undefined;
  getPropertiesMetadata?(): ({ key?: unknown; wrapper?: WrapperView } | undefined)[] | undefined;
}
interface ModuleView {
  name?: string;
  providers?: Map<unknown, WrapperView>;
  controllers?: Map<unknown, WrapperView>;
  injectables?: Map<unknown, WrapperView>;
}
export interface ModulesView {
  values(): Iterable<ModuleView>;
}

const DECORATOR: Record<UnavailableRedisService['service'], string> = {
  ConnectionPool: '@InjectConnectionPool',
  SentinelService: '@InjectSentinel',
  ClusterService: '@InjectCluster',
};

function describeConsumer(wrapper: WrapperView): string {
  const { name } = wrapper;
  if (typeof name === 'string' && name !== '') return name;
  if (typeof name === 'function') return (name as { name: string }).name;
  return String(wrapper.token);
}

/**
 * Fails bootstrap when any provider, controller or enhancer was given a service the connection's topology lacks
 * (e.g. `@InjectCluster()` on a standalone connection). Nest instantiates every provider, so the tokens must exist;
 * this turns a would-be runtime surprise into a bootstrap error that says what to change.
 */
export function assertTopologyServices(modules: ModulesView, unavailable: readonly string[]): void {
  if (unavailable.length === 0) return;
  const tokens = new Set(unavailable);
  const problems: string[] = [];
  for (const module of modules.values()) {
    for (const collection of [module.providers, module.controllers, module.injectables]) {
      if (!collection) continue;
      for (const wrapper of collection.values()) {
        const deps = [
          ...(wrapper.getCtorMetadata?.() ?? []),
          ...(wrapper.getPropertiesMetadata?.() ?? []).map((property) => property?.wrapper),
        ];
        for (const dep of deps) {
          if (!dep || typeof dep.token !== 'string' || !tokens.has(dep.token)) continue;
          const service = dep.instance;
          if (!(service instanceof UnavailableRedisService)) continue; // overridden in a test: fine
          problems.push(
            `${describeConsumer(wrapper)} injects ${DECORATOR[service.service]}('${service.connection}'), but ` +
              `${service.reason}`,
          );
        }
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems.join(' '));
}
