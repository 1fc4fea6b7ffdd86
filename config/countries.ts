/**
 * The country and region names the edge configuration is written in: ISO 3166-1 country codes as
 * Cloudflare's ip.src.country uses them, Cloudflare's own codes, ISO 3166-2 regions, and the
 * sanctions this project blocks by default.
 */

/**
 * Current comprehensive (country-wide) sanctions, OFAC and UN, November 2026: Cuba, Iran, North
 * Korea. Syria left OFAC's comprehensive programmes in 2025 (EO 14312). Regions under sanctions
 * that a country code cannot express are in `DEFAULT_SANCTIONED_REGIONS`.
 */
export const DEFAULT_SANCTIONED_COUNTRIES = ['CU', 'IR', 'KP'] as const;

/**
 * Regions under comprehensive EU sanctions (a compliance decision for an EU/EEA fintech, taken
 * November 2026), as ISO 3166-2 codes (ISO 3166-2:UA), matched on `ip.src.subdivision_1_iso_code`:
 * - UA-43 Autonomous Republic of Crimea and UA-40 Sevastopol: Council Regulation (EU) No 692/2014;
 * - UA-14 Donetsk and UA-09 Luhansk oblasts (their non-government-controlled areas): Council
 *   Regulation (EU) 2022/263;
 * - UA-23 Zaporizhzhia and UA-65 Kherson oblasts (their non-government-controlled areas): Council
 *   Regulation (EU) 2022/263 as extended by Council Regulation (EU) 2022/1903.
 * GeoIP resolves regions, not lines of control: the whole oblast is matched, its
 * government-controlled part included.
 */
export const DEFAULT_SANCTIONED_REGIONS = ['UA-43', 'UA-40', 'UA-14', 'UA-09', 'UA-23', 'UA-65'] as const;

/** An ISO 3166-2 subdivision code: country code, hyphen, 1-3 letters or digits ("UA-43", "GB-ENG"). */
export const SUBDIVISION_CODE = /^([A-Z]{2})-[A-Z0-9]{1,3}$/;

/** ISO 3166-1 alpha-2 codes, as Cloudflare's ip.src.country uses them. */
export const ISO_COUNTRY_CODES: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS ' +
    'BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE ' +
    'EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM ' +
    'HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC ' +
    'LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA ' +
    'NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO ' +
    'TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/** Cloudflare's own codes besides ISO ones: Tor exit nodes and unknown origin. */
export const CLOUDFLARE_SPECIAL_COUNTRIES = ['T1', 'XX'] as const;
