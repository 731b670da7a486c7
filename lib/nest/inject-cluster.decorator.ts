import { Inject } from '@nestjs/common';
import { getClusterServiceToken } from './get-redis-token.util.js';

/** Injects the `ClusterService` (Cluster connections only) of connection `name` (default `'default'`). */
export const InjectCluster = (name?: string): PropertyDecorator & ParameterDecorator => Inject(getClusterServiceToken(name));
