// Where things can be placed: DescribeAvailabilityZones (the zones default-vpc.ts fixes for each region)
// and DescribeRegions.
import type {
  DescribeAvailabilityZonesRequest,
  DescribeAvailabilityZonesResult,
  DescribeRegionsRequest,
  DescribeRegionsResult,
  Region,
} from '@aws-sdk/client-ec2';
import type { ServiceOperations } from '../../aws/service.ts';
import { availabilityZonesOf, KNOWN_REGIONS } from './default-vpc.ts';
import { defineFilters, filterAvailabilityZones } from './filters.ts';
import { readNetwork, type Ec2Env } from './network-call.ts';
import { regionDoesNotExist, zoneDoesNotExist } from './request-errors.ts';

/**
 * Regions launched after 20 March 2019 are disabled until an account opts in ("Specify which AWS Regions
 * your account can use", AWS Account Management guide); the others are enabled for every account.
 */
const OPT_IN_REGIONS = new Set([
  'af-south-1', 'ap-east-1', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7',
  'ca-west-1', 'eu-central-2', 'eu-south-1', 'eu-south-2', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1',
]);

/** DescribeRegions' filters (model docs): endpoint, opt-in-status, region-name. */
const filterRegions = defineFilters<Region>({
  endpoint: (r) => r.Endpoint,
  'opt-in-status': (r) => r.OptInStatus,
  'region-name': (r) => r.RegionName,
});

/**
 * Every region Berth knows, as the calling account sees it: the region it calls from counts as enabled
 * (opted in), since Berth serves any region; a private region name (e.g. "local") is listed too.
 */
function regionsFor(callingRegion: string): Region[] {
  const names = KNOWN_REGIONS.includes(callingRegion) ? KNOWN_REGIONS : [...KNOWN_REGIONS, callingRegion];
  return names.map((name) => ({
    RegionName: name,
    Endpoint: `ec2.${name}.amazonaws.com`,
    OptInStatus: !OPT_IN_REGIONS.has(name) ? 'opt-in-not-required' : name === callingRegion ? 'opted-in' : 'not-opted-in',
  }));
}

export function availabilityZoneOperations(env: Ec2Env) {
  return {
    DescribeAvailabilityZones: async (input: DescribeAvailabilityZonesRequest, ctx) => readNetwork(env, ctx, input.DryRun, async () => {
      // AllAvailabilityZones adds Local and Wavelength Zones, which Berth's regions do not have.
      let zones = availabilityZonesOf(ctx.region);
      const names = input.ZoneNames ?? [];
      const zoneIds = input.ZoneIds ?? [];
      for (const name of names) if (!zones.some((zone) => zone.ZoneName === name)) throw zoneDoesNotExist(name);
      for (const id of zoneIds) if (!zones.some((zone) => zone.ZoneId === id)) throw zoneDoesNotExist(id);
      if (names.length > 0 || zoneIds.length > 0) {
        zones = zones.filter((zone) => names.includes(zone.ZoneName ?? '') || zoneIds.includes(zone.ZoneId ?? ''));
      }
      return { AvailabilityZones: filterAvailabilityZones(zones, input.Filters) };
    }),

    DescribeRegions: async (input: DescribeRegionsRequest, ctx) => readNetwork(env, ctx, input.DryRun, async () => {
      let regions = regionsFor(ctx.region);
      const names = input.RegionNames ?? [];
      for (const name of names) if (!regions.some((region) => region.RegionName === name)) throw regionDoesNotExist(name);
      if (names.length > 0) {
        regions = regions.filter((region) => names.includes(region.RegionName ?? ''));
      } else if (input.AllRegions !== true) {
        // "Indicates whether to display all Regions, including Regions that are disabled for your account." (model docs)
        regions = regions.filter((region) => region.OptInStatus !== 'not-opted-in');
      }
      return { Regions: filterRegions(regions, input.Filters) };
    }),
  } satisfies ServiceOperations<{
    DescribeAvailabilityZones: [DescribeAvailabilityZonesRequest, DescribeAvailabilityZonesResult];
    DescribeRegions: [DescribeRegionsRequest, DescribeRegionsResult];
  }>;
}
