import type { FactoryProvider, ModuleMetadata, Type } from '@nestjs/common';
import type { RedisModuleOptions } from './redis-module-options.interface.js';

/** A class that builds the options (`useClass` / `useExisting`), as with Nest's `ConfigurableModuleBuilder`. */
export interface RedisModuleOptionsFactory {
  create(): Promise<RedisModuleOptions> | RedisModuleOptions;
}

/** Options of `RedisModule.forRootAsync()`: exactly one of `useFactory`, `useClass`, `useExisting`. */
export interface RedisModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Connection name, known up front because the tokens depend on it. Default `'default'`. */
  name?: string;
  /** Register the providers globally. Default false. */
  isGlobal?: boolean;
  useFactory?: (...args: never[]) => Promise<RedisModuleOptions> | RedisModuleOptions;
  inject?: FactoryProvider['inject'];
  useClass?: Type<RedisModuleOptionsFactory>;
  useExisting?: Type<RedisModuleOptionsFactory>;
}
