import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The EC2 API model (2016-11-15) from Debian's python3-botocore, read at test time so the
 * project commits no copy of it. `npm test` makes sure the package is installed.
 */
export const BOTOCORE_EC2_DIR = '/usr/lib/python3/dist-packages/botocore/data/ec2/2016-11-15';

export interface ShapeRef {
  shape: string;
  locationName?: string;
}

export interface Shape {
  type: string;
  members?: Record<string, ShapeRef>;
  member?: ShapeRef;
  enum?: string[];
  min?: number;
  max?: number;
}

export interface ServiceModel {
  operations: Record<string, { input?: ShapeRef; output?: ShapeRef }>;
  shapes: Record<string, Shape>;
}

export interface Paginator {
  input_token?: string;
  limit_key?: string;
}

const cache = new Map<string, unknown>();
function load<T>(file: string): T {
  if (!cache.has(file)) cache.set(file, JSON.parse(readFileSync(join(BOTOCORE_EC2_DIR, file), 'utf8')));
  return cache.get(file) as T;
}

export const serviceModel = (): ServiceModel => load<ServiceModel>('service-2.json');
export const paginators = (): Record<string, Paginator> =>
  load<{ pagination: Record<string, Paginator> }>('paginators-1.json').pagination;
