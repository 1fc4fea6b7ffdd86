/** One environment's hostnames and policy, as the zone-wide constructs see it. */
export interface EdgeSite {
  /** The environment name, e.g. `staging`: used in rule descriptions. */
  readonly name: string;
  /** The public hostname (the web app; `/v1/*` reaches the api). */
  readonly publicHost: string;
  /** The api's own hostname behind the edge. */
  readonly apiHost: string;
  /** Countries served, test regions included. */
  readonly allowedCountries: readonly string[];
  /** Countries always blocked. */
  readonly sanctionedCountries: readonly string[];
  /** Regions (ISO 3166-2) always blocked, where the plan can match them (Business and above). */
  readonly sanctionedRegions: readonly string[];
  /** Client IP ranges that pass the country allow list (never the sanctions). */
  readonly exceptionIpRanges: readonly string[];
  /** Client ASNs that pass the country allow list (never the sanctions). */
  readonly exceptionAsns: readonly number[];
  /** Paths of the services' own health endpoints: public for monitors and smoke tests worldwide. */
  readonly healthPaths: readonly string[];
  /** Public asset paths of the web app (trailing "/" = prefix). */
  readonly publicAssets: readonly string[];
  readonly publicAssetTtlSeconds: number;
  /**
   * The value of the X-Origin-Verify header (a token: the first comma-separated value of the
   * secret, read from Secrets Manager at plan time).
   */
  readonly originVerifySecret: string;
}

/** The hostnames of a site. */
export function siteHosts(site: Pick<EdgeSite, 'publicHost' | 'apiHost'>): string[] {
  return [site.publicHost, site.apiHost];
}

/** The header the edge adds and the services require. */
export const ORIGIN_VERIFY_HEADER = 'X-Origin-Verify';
