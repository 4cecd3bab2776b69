/**
 * EC2's request throttling: a token bucket per account, region and API action, sized by the
 * action's category, with default sizes and refill rates as AWS documents them in "Request
 * throttling for the Amazon EC2 API". A few actions also draw from a resource bucket, one
 * token per instance they touch. A request that finds a bucket short is refused with
 * `RequestLimitExceeded` and takes no tokens.
 */
export interface BucketSpec {
  /** Bucket maximum capacity (tokens). */
  capacity: number;
  /** Bucket refill rate (tokens per second). */
  refill: number;
}

export type ThrottleCategory =
  | 'non-mutating'
  | 'unfiltered-non-mutating'
  | 'mutating'
  | 'resource-intensive'
  | 'uncategorized';

export const CATEGORY_BUCKETS: Record<Exclude<ThrottleCategory, 'uncategorized'>, BucketSpec> = {
  'non-mutating': { capacity: 100, refill: 20 },
  'unfiltered-non-mutating': { capacity: 50, refill: 10 },
  mutating: { capacity: 50, refill: 5 },
  'resource-intensive': { capacity: 50, refill: 5 },
};

/** Non-mutating actions that use a smaller bucket when called without a filter or pagination. */
export const UNFILTERED_SMALL_BUCKET_ACTIONS: ReadonlySet<string> = new Set([
  'DescribeInstances',
  'DescribeInstanceStatus',
  'DescribeNetworkInterfaces',
  'DescribeSecurityGroups',
  'DescribeSnapshots',
  'DescribeSpotInstanceRequests',
  'DescribeVolumes',
]);

export const RESOURCE_INTENSIVE_ACTIONS: ReadonlySet<string> = new Set([
  'AcceptVpcPeeringConnection',
  'AuthorizeSecurityGroupIngress',
  'CancelSpotInstanceRequests',
  'CreateKeyPair',
  'CreateVpcPeeringConnection',
  'DeleteVpcPeeringConnection',
  'RejectVpcPeeringConnection',
  'RevokeSecurityGroupIngress',
  'RequestSpotInstances',
]);

const b = (capacity: number, refill: number): BucketSpec => ({ capacity, refill });

/** Actions with their own documented bucket ("uncategorized actions"). */
export const ACTION_BUCKETS: Readonly<Record<string, BucketSpec>> = {
  AcceptVpcEndpointConnections: b(10, 1),
  AdvertiseByoipCidr: b(1, 0.1),
  AssignIpv6Addresses: b(100, 5),
  AssignPrivateIpAddresses: b(100, 5),
  AssignPrivateNatGatewayAddress: b(10, 1),
  AssociateCapacityReservationBillingOwner: b(1, 0.5),
  AssociateEnclaveCertificateIamRole: b(10, 1),
  AssociateIamInstanceProfile: b(100, 5),
  AssociateNatGatewayAddress: b(10, 1),
  AttachVerifiedAccessTrustProvider: b(10, 2),
  AuthorizeClientVpnIngress: b(5, 2),
  CancelDeclarativePoliciesReport: b(1, 1),
  CopyImage: b(100, 1),
  CreateClientVpnRoute: b(5, 2),
  CreateCoipCidr: b(5, 1),
  CreateCoipPool: b(5, 1),
  CreateDefaultSubnet: b(1, 1),
  CreateDefaultVpc: b(1, 1),
  CreateLaunchTemplateVersion: b(100, 5),
  CreateNatGateway: b(10, 1),
  CreateNetworkInterface: b(100, 5),
  CreateRestoreImageTask: b(50, 0.1),
  CreateSnapshot: b(100, 5),
  CreateSnapshots: b(100, 5),
  CreateSpotDatafeedSubscription: b(50, 3),
  CreateStoreImageTask: b(50, 0.1),
  CreateSubnetCidrReservation: b(5, 1),
  CreateTags: b(100, 10),
  CreateVerifiedAccessEndpoint: b(20, 4),
  CreateVerifiedAccessGroup: b(10, 2),
  CreateVerifiedAccessInstance: b(10, 2),
  CreateVerifiedAccessTrustProvider: b(10, 2),
  CreateVolume: b(100, 5),
  CreateVpcEndpoint: b(4, 0.3),
  CreateVpcEndpointServiceConfiguration: b(10, 1),
  DeleteClientVpnRoute: b(5, 2),
  DeleteCoipCidr: b(5, 1),
  DeleteCoipPool: b(5, 1),
  DeleteCoipPoolPermission: b(5, 1),
  DeleteNatGateway: b(10, 1),
  DeleteNetworkInterface: b(100, 5),
  DeleteSnapshot: b(100, 5),
  DeleteSpotDatafeedSubscription: b(50, 3),
  DeleteSubnetCidrReservation: b(5, 1),
  DeleteQueuedReservedInstances: b(5, 5),
  DeleteTags: b(100, 10),
  DeleteVerifiedAccessEndpoint: b(20, 4),
  DeleteVerifiedAccessGroup: b(10, 2),
  DeleteVerifiedAccessInstance: b(10, 2),
  DeleteVerifiedAccessTrustProvider: b(10, 2),
  DeleteVolume: b(100, 5),
  DeleteVpcEndpoints: b(4, 0.3),
  DeleteVpcEndpointServiceConfigurations: b(10, 1),
  DeprovisionByoipCidr: b(1, 0.1),
  DeregisterImage: b(100, 5),
  DescribeAggregateIdFormat: b(10, 10),
  DescribeByoipCidrs: b(1, 0.5),
  DescribeCapacityBlockExtensionOfferings: b(10, 0.15),
  DescribeCapacityBlockOfferings: b(10, 0.15),
  DescribeDeclarativePoliciesReports: b(5, 5),
  DescribeHostReservations: b(5, 2),
  DescribeHostReservationOfferings: b(5, 2),
  DescribeIdentityIdFormat: b(10, 10),
  DescribeIdFormat: b(10, 10),
  DescribeInstanceTopology: b(1, 1),
  DescribeMovingAddresses: b(1, 1),
  DescribePrincipalIdFormat: b(10, 10),
  DescribeReservedInstancesOfferings: b(10, 10),
  DescribeSecurityGroupReferences: b(20, 5),
  DescribeSpotDatafeedSubscription: b(100, 13),
  DescribeSpotFleetInstances: b(100, 5),
  DescribeSpotFleetRequestHistory: b(100, 5),
  DescribeSpotFleetRequests: b(50, 3),
  DescribeStaleSecurityGroups: b(20, 5),
  DescribeStoreImageTasks: b(50, 0.5),
  DescribeVerifiedAccessInstanceLoggingConfigurations: b(10, 2),
  DetachVerifiedAccessTrustProvider: b(10, 2),
  DisableFastLaunch: b(5, 2),
  DisableImageBlockPublicAccess: b(1, 0.1),
  DisableSnapshotBlockPublicAccess: b(1, 0.1),
  DisassociateCapacityReservationBillingOwner: b(1, 0.5),
  DisassociateEnclaveCertificateIamRole: b(10, 1),
  DisassociateIamInstanceProfile: b(100, 5),
  DisassociateNatGatewayAddress: b(10, 1),
  EnableFastLaunch: b(5, 2),
  EnableImageBlockPublicAccess: b(1, 0.1),
  EnableSnapshotBlockPublicAccess: b(1, 0.1),
  GetAssociatedEnclaveCertificateIamRoles: b(10, 1),
  GetDeclarativePoliciesReportSummary: b(5, 5),
  GetHostReservationPurchasePreview: b(5, 2),
  ModifyImageAttribute: b(100, 5),
  ModifyInstanceMetadataDefaults: b(2, 2),
  ModifyInstanceMetadataOptions: b(100, 5),
  ModifyLaunchTemplate: b(100, 5),
  ModifyNetworkInterfaceAttribute: b(100, 5),
  ModifySnapshotAttribute: b(100, 5),
  ModifyVerifiedAccessEndpoint: b(20, 4),
  ModifyVerifiedAccessEndpointPolicy: b(20, 4),
  ModifyVerifiedAccessGroup: b(10, 2),
  ModifyVerifiedAccessGroupPolicy: b(20, 4),
  ModifyVerifiedAccessInstance: b(10, 2),
  ModifyVerifiedAccessInstanceLoggingConfiguration: b(10, 2),
  ModifyVerifiedAccessTrustProvider: b(10, 2),
  ModifyVpcEndpoint: b(4, 0.3),
  ModifyVpcEndpointServiceConfiguration: b(10, 1),
  MoveAddressToVpc: b(1, 1),
  ProvisionByoipCidr: b(1, 0.1),
  PurchaseCapacityBlock: b(10, 0.15),
  PurchaseCapacityBlockExtension: b(10, 0.15),
  PurchaseHostReservation: b(5, 2),
  PurchaseReservedInstancesOffering: b(5, 5),
  RejectVpcEndpointConnections: b(10, 1),
  RestoreAddressToClassic: b(1, 1),
  RevokeClientVpnIngress: b(5, 2),
  RunInstances: b(5, 2),
  StartDeclarativePoliciesReport: b(1, 1),
  StartInstances: b(5, 2),
  TerminateInstances: b(100, 5),
  UnassignPrivateIpAddresses: b(100, 5),
  UnassignPrivateNatGatewayAddress: b(10, 1),
  WithdrawByoipCidr: b(1, 0.1),
};

/** Resource buckets: these actions also spend one token per instance the request touches. */
export const RESOURCE_BUCKETS: Readonly<Record<string, BucketSpec>> = {
  RunInstances: b(1000, 2),
  TerminateInstances: b(1000, 20),
  StartInstances: b(1000, 2),
  StopInstances: b(1000, 20),
};

const NON_MUTATING = /^(Describe|List|Search|Get)[A-Z]/;

/** What the throttle needs to know about a request. */
export interface ThrottleRequest {
  action: string;
  region: string;
  /** Whether the request names a filter or pagination (`Filter.N`, `MaxResults`, `NextToken`). */
  filteredOrPaginated: boolean;
  /** Instances the request affects, for the resource buckets (MaxCount, or the InstanceIds). */
  resourceCount: number;
}

export interface BucketChoice {
  /** The bucket's key within a region: the action, with a suffix for its special buckets. */
  key: string;
  category: ThrottleCategory;
  spec: BucketSpec;
}

/** The request bucket an action draws from, as the documented categories assign it. */
export function requestBucketFor(action: string, filteredOrPaginated: boolean): BucketChoice {
  const own = ACTION_BUCKETS[action];
  if (own) return { key: action, category: 'uncategorized', spec: own };
  if (RESOURCE_INTENSIVE_ACTIONS.has(action)) {
    return { key: action, category: 'resource-intensive', spec: CATEGORY_BUCKETS['resource-intensive'] };
  }
  if (NON_MUTATING.test(action)) {
    if (!filteredOrPaginated && UNFILTERED_SMALL_BUCKET_ACTIONS.has(action)) {
      return {
        key: `${action}#unfiltered`,
        category: 'unfiltered-non-mutating',
        spec: CATEGORY_BUCKETS['unfiltered-non-mutating'],
      };
    }
    return { key: action, category: 'non-mutating', spec: CATEGORY_BUCKETS['non-mutating'] };
  }
  return { key: action, category: 'mutating', spec: CATEGORY_BUCKETS.mutating };
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly spec: BucketSpec,
    now: number,
  ) {
    this.tokens = spec.capacity;
    this.updatedAt = now;
  }

  /** Tokens available at `now` (milliseconds), after refilling. */
  available(now: number): number {
    if (now > this.updatedAt) {
      this.tokens = Math.min(
        this.spec.capacity,
        this.tokens + ((now - this.updatedAt) / 1000) * this.spec.refill,
      );
      this.updatedAt = now;
    }
    return this.tokens;
  }

  take(count: number, now: number): void {
    this.available(now);
    this.tokens -= count;
  }
}

export interface ThrottleOptions {
  /** Multiplies every bucket's capacity and refill rate (tests use small buckets). Default 1. */
  scale?: number;
  /** Monotonic milliseconds; real time by default. */
  now?: () => number;
}

export interface ThrottleVerdict {
  allowed: boolean;
  /** The bucket that refused the request, when it was refused. */
  bucket?: string;
}

/** The token buckets of every region, created on first use. */
export class Throttle {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly scale: number;
  private readonly now: () => number;

  constructor(options: ThrottleOptions = {}) {
    this.scale = options.scale ?? 1;
    this.now = options.now ?? (() => performance.now());
  }

  private bucket(region: string, key: string, spec: BucketSpec, now: number): TokenBucket {
    const id = `${region}\u0000${key}`;
    let bucket = this.buckets.get(id);
    if (!bucket) {
      const scaled = {
        capacity: Math.max(1, Math.round(spec.capacity * this.scale)),
        refill: spec.refill * this.scale,
      };
      bucket = new TokenBucket(scaled, now);
      this.buckets.set(id, bucket);
    }
    return bucket;
  }

  /** Takes the request's tokens, or none if any of its buckets is short. */
  admit(request: ThrottleRequest): ThrottleVerdict {
    const now = this.now();
    const choice = requestBucketFor(request.action, request.filteredOrPaginated);
    const requestBucket = this.bucket(request.region, choice.key, choice.spec, now);
    if (requestBucket.available(now) < 1) return { allowed: false, bucket: choice.key };
    const resourceSpec = RESOURCE_BUCKETS[request.action];
    if (resourceSpec && request.resourceCount > 0) {
      const key = `${request.action}#resources`;
      const resourceBucket = this.bucket(request.region, key, resourceSpec, now);
      // A request for more than a full bucket waits for a full one rather than never passing.
      const needed = Math.min(request.resourceCount, resourceBucket.spec.capacity);
      if (resourceBucket.available(now) < needed) return { allowed: false, bucket: key };
      resourceBucket.take(needed, now);
    }
    requestBucket.take(1, now);
    return { allowed: true };
  }

  reset(): void {
    this.buckets.clear();
  }
}
