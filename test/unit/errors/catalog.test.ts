import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AADSTS_CATEGORIES, aadstsEntries, aadstsFiles, type AadstsEntry } from '../../../src/core/errors/aadsts/index';
import { lookupAadsts, useAadstsCatalog } from '../../../src/core/errors/catalog';

const DIR = join(__dirname, '../../../src/core/errors/aadsts');

/**
 * Every code in Microsoft's "Microsoft Entra authentication and authorization error codes" reference
 * (learn.microsoft.com/entra/identity-platform/reference-error-codes) as of the catalog's last update.
 * A code removed from the data makes this test fail; a code Microsoft adds should be added here and to the data.
 */
const REFERENCE_PAGE_CODES: readonly number[] = [
  16000, 16001, 16002, 16003, 17003, 20001, 20012, 20033, 28002, 28003, 40008, 40009, 40010, 40015, 50000, 50001, 50002,
  50003, 50005, 50006, 50007, 50008, 50010, 50011, 50012, 50013, 50014, 50015, 50017, 50020, 50027, 50029, 50032, 50033,
  50034, 50042, 50043, 50048, 50049, 50050, 50053, 50055, 50056, 50057, 50058, 50059, 50061, 50064, 50068, 50070, 50071,
  50072, 50074, 50076, 50078, 50079, 50085, 50086, 50087, 50088, 50089, 50097, 50098, 50099, 50100, 50101, 50102, 50103,
  50105, 50107, 50108, 50109, 50111, 50117, 50120, 50123, 50124, 50125, 50126, 50127, 50128, 50129, 50130, 50131, 50132,
  50133, 50134, 50135, 50136, 50137, 50138, 50139, 50140, 50141, 50142, 50143, 50144, 50146, 50147, 50148, 50149, 50150,
  50155, 50156, 50157, 50158, 50159, 50160, 50161, 50162, 50163, 50164, 50165, 50166, 50167, 50168, 50169, 50170, 50171,
  50172, 50173, 50176, 50177, 50178, 50180, 50187, 50192, 50194, 50196, 50197, 50199, 51000, 51001, 51004, 51005, 51006,
  52004, 53000, 53001, 53002, 53003, 53004, 53010, 53011, 54000, 54005, 65001, 65002, 65004, 65005, 67003, 70000, 70001,
  70002, 70003, 70004, 70005, 70007, 70008, 70011, 70012, 70016, 70018, 70019, 70043, 75001, 75003, 75005, 75008, 75011,
  75016, 76021, 76026, 80001, 80002, 80005, 80007, 80010, 80012, 80013, 80014, 81004, 81005, 81006, 81007, 81009, 81010,
  81011, 81012, 90002, 90004, 90005, 90006, 90007, 90008, 90009, 90010, 90012, 90013, 90014, 90015, 90016, 90019, 90020,
  90022, 90023, 90024, 90027, 90033, 90036, 90038, 90043, 90051, 90055, 90056, 90072, 90081, 90082, 90084, 90085, 90086,
  90087, 90090, 90091, 90092, 90093, 90094, 90095, 90099, 90100, 90101, 90102, 90107, 90112, 90114, 90117, 90119, 90120,
  90121, 90123, 90124, 90125, 90126, 90130, 100007, 120000, 120002, 120003, 120004, 120005, 120008, 120011, 120012,
  120013, 120014, 120015, 120016, 120018, 120020, 120021, 130004, 130005, 130006, 130007, 130008, 135010, 135011,
  140000, 140001, 160021, 165004, 165900, 220450, 220501, 221000, 230109, 240001, 240002, 240003, 240004, 399284,
  500011, 500014, 500021, 500022, 500133, 500141, 500207, 500208, 500212, 500213, 501241, 501461, 501481, 501491,
  501621, 501631, 501632, 530032, 530034, 530035, 650052, 650054, 650056, 650057, 650059, 700005, 700011, 700016,
  700020, 700022, 700023, 700025, 700027, 700030, 700054, 700082, 700084, 700229, 750054, 900144, 900236, 900382,
  900384, 900432, 900561, 900612, 900971, 901002, 901011, 901012, 901014, 1000000, 1000002, 1000031, 1000104, 5000224,
  5000819, 5001256, 7000112, 7000114, 7000215, 7000218, 7000222, 7500514, 7500529, 9001023, 9002313, 9002332, 9002341,
];

/** Every code of the older "Sign-in activity report error codes" page (Azure AD reporting reference, last revision). */
const SIGNIN_REPORT_PAGE_CODES: readonly number[] = [
  16000, 20001, 20012, 20033, 40008, 40009, 40014, 50000, 50001, 50002, 50003, 50005, 50006, 50007, 50008, 50010, 50011,
  50012, 50013, 50017, 50020, 50027, 50029, 50034, 50042, 50048, 50050, 50053, 50055, 50056, 50057, 50058, 50059, 50061,
  50072, 50074, 50076, 50079, 50085, 50089, 50097, 50099, 50105, 50107, 50120, 50124, 50125, 50126, 50127, 50128, 50129,
  50130, 50131, 50132, 50133, 50135, 50136, 50140, 50143, 50144, 50146, 50148, 50155, 50158, 50161, 50166, 50169, 50172,
  50173, 50177, 50178, 50180, 50181, 50201, 51001, 51004, 51006, 52004, 53000, 53001, 53002, 53003, 53004, 65001, 65004,
  65005, 70000, 70001, 70002, 70003, 70004, 70005, 70007, 70008, 70011, 70012, 70018, 70019, 70037, 70043, 70044, 75001,
  75003, 75005, 75008, 75011, 75016, 80001, 80002, 80003, 80005, 80007, 80010, 80011, 80012, 80013, 80014, 81001, 81005,
  81007, 81012, 90010, 90014, 90051, 90072, 90094, 500021, 500121, 500133, 530021, 530032, 700016, 900432, 7000218,
];

/** Lower bound of the whole catalog: dropping any data file (the smallest has 3 entries) or a few entries fails. */
const MIN_TOTAL = 386;

/** Entries per file when this test was written; a file may grow, never shrink silently. */
const MIN_PER_FILE: Record<string, number> = {
  'application-configuration.json': 49,
  'certificate-and-assertion.json': 21,
  'client-credentials.json': 12,
  'consent-and-permissions.json': 18,
  'device-code.json': 6,
  'federation.json': 48,
  'mfa-and-conditional-access.json': 46,
  'other.json': 3,
  'request-format.json': 33,
  'tenant-and-account.json': 28,
  'throttling-and-service.json': 14,
  'token-and-session.json': 16,
  'user-sign-in.json': 92,
};

const KNOWN_CREDENTIALS = new Set([
  'AzureCLICredential',
  'AzureDeveloperCLICredential',
  'AzurePowerShellCredential',
  'VisualStudioCodeCredential',
  'EnvironmentCredential',
  'WorkloadIdentityCredential',
  'ManagedIdentityCredential',
  'ClientAssertionCredential',
  'DeviceCodeCredential',
  'InteractiveBrowserCredential',
  'UsernamePasswordCredential',
  'OnBehalfOfCredential',
  'ClientCertificateCredential',
  'ClientSecretCredential',
]);

const REQUIRED_KEYS = ['code', 'name', 'meaning', 'causes', 'fixes', 'category', 'docsUrl'];
const OPTIONAL_KEYS = ['credentials', 'notOnReferencePage'];

function jsonFiles(): string[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

function readFile(file: string): unknown {
  return JSON.parse(readFileSync(join(DIR, file), 'utf8'));
}

function isCleanText(s: unknown): boolean {
  return typeof s === 'string' && s.length > 0 && s.trim() === s && !/\s{2,}/.test(s);
}

describe('AADSTS catalog data', () => {
  it('has a lower bound of entries that would fail if a data file were dropped', () => {
    assert.ok(aadstsEntries.length >= MIN_TOTAL, `expected >= ${MIN_TOTAL}, got ${aadstsEntries.length}`);
    for (const [file, min] of Object.entries(MIN_PER_FILE)) {
      const f = aadstsFiles.find((x) => x.file === file);
      assert.ok(f, `${file} is imported by the index`);
      assert.ok(f.entries.length >= min, `${file}: expected >= ${min}, got ${f.entries.length}`);
    }
  });

  it('the index imports every *.json file in the folder, one file per category, and nothing else', () => {
    const onDisk = jsonFiles();
    const imported = aadstsFiles.map((f) => f.file).sort();
    assert.deepEqual(imported, onDisk);
    assert.deepEqual(onDisk, [...AADSTS_CATEGORIES].map((c) => `${c}.json`).sort());
    for (const f of aadstsFiles) {
      assert.deepEqual(f.entries, readFile(f.file), `${f.file}: index content equals the file on disk`);
    }
    const total = onDisk.reduce((n, f) => n + (readFile(f) as unknown[]).length, 0);
    assert.equal(aadstsEntries.length, total);
  });

  it("every file is a JSON array sorted by code whose entries carry that file's category", () => {
    for (const file of jsonFiles()) {
      const data = readFile(file);
      assert.ok(Array.isArray(data), `${file} is an array`);
      const category = file.replace(/\.json$/, '');
      const codes = (data as AadstsEntry[]).map((e) => e.code);
      assert.deepEqual(
        codes,
        [...codes].sort((a, b) => a - b),
        `${file} is sorted by code`,
      );
      for (const e of data as AadstsEntry[]) assert.equal(e.category, category, `AADSTS${e.code} sits in ${file}`);
    }
  });

  it('every entry has exactly the schema fields with the right types and non-empty text', () => {
    for (const e of aadstsEntries as unknown as Record<string, unknown>[]) {
      const label = `AADSTS${String(e.code)}`;
      for (const k of REQUIRED_KEYS) assert.ok(k in e, `${label} has ${k}`);
      for (const k of Object.keys(e))
        assert.ok(REQUIRED_KEYS.includes(k) || OPTIONAL_KEYS.includes(k), `${label}: unknown key ${k}`);
      assert.ok(Number.isSafeInteger(e.code) && (e.code as number) > 0, `${label}: code is a positive integer`);
      assert.ok(isCleanText(e.name) && /^[A-Z][A-Za-z0-9_]*$/.test(e.name as string), `${label}: name is PascalCase`);
      assert.ok(isCleanText(e.meaning) && (e.meaning as string).length >= 20, `${label}: meaning is a sentence`);
      for (const k of ['causes', 'fixes'] as const) {
        const list = e[k];
        assert.ok(Array.isArray(list) && list.length >= 1 && list.length <= 4, `${label}: ${k} has 1-4 items`);
        for (const s of list as unknown[]) assert.ok(isCleanText(s), `${label}: ${k} item is clean non-empty text`);
        assert.equal(new Set(list as string[]).size, (list as string[]).length, `${label}: ${k} has no repeated item`);
      }
      if ('credentials' in e) {
        const creds = e.credentials;
        assert.ok(Array.isArray(creds) && creds.length > 0, `${label}: credentials is a non-empty array when present`);
        for (const c of creds as unknown[])
          assert.ok(typeof c === 'string' && KNOWN_CREDENTIALS.has(c), `${label}: unknown credential ${String(c)}`);
        assert.equal(new Set(creds as string[]).size, (creds as string[]).length, `${label}: no repeated credential`);
      }
      if ('notOnReferencePage' in e)
        assert.equal(e.notOnReferencePage, true, `${label}: notOnReferencePage is only ever true`);
    }
  });

  it('codes are unique across all files', () => {
    const seen = new Map<number, string>();
    for (const f of aadstsFiles) {
      for (const e of f.entries) {
        assert.ok(!seen.has(e.code), `AADSTS${e.code} is in both ${seen.get(e.code)} and ${f.file}`);
        seen.set(e.code, f.file);
      }
    }
  });

  it('docsUrl is exactly the error lookup link for the code', () => {
    for (const e of aadstsEntries) assert.equal(e.docsUrl, `https://login.microsoftonline.com/error?code=${e.code}`);
  });

  it('category is one of the allowed categories', () => {
    const allowed = new Set<string>(AADSTS_CATEGORIES);
    assert.equal(allowed.size, 13);
    for (const e of aadstsEntries) assert.ok(allowed.has(e.category), `AADSTS${e.code}: ${e.category}`);
  });

  it('no meaning just repeats the name, and meanings are written per code (no copy-paste between codes)', () => {
    const seen = new Map<string, number>();
    for (const e of aadstsEntries) {
      const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
      assert.notEqual(norm(e.meaning), norm(e.name), `AADSTS${e.code}`);
      assert.ok(!seen.has(e.meaning), `AADSTS${e.code} and AADSTS${seen.get(e.meaning)} share a meaning`);
      seen.set(e.meaning, e.code);
    }
  });

  it('text carries no unfilled template placeholders and balanced code spans', () => {
    for (const e of aadstsEntries) {
      for (const s of [e.meaning, ...e.causes, ...e.fixes]) {
        assert.ok(!/[{}]/.test(s), `AADSTS${e.code}: placeholder braces in "${s}"`);
        assert.equal((s.match(/`/g) ?? []).length % 2, 0, `AADSTS${e.code}: unbalanced backticks in "${s}"`);
      }
    }
  });

  it('covers every code of the published reference page, and flags only the codes that are not on it', () => {
    const byCode = new Map(aadstsEntries.map((e) => [e.code, e]));
    const page = new Set(REFERENCE_PAGE_CODES);
    assert.equal(page.size, REFERENCE_PAGE_CODES.length, 'reference list has no duplicates');
    const missing = REFERENCE_PAGE_CODES.filter((c) => !byCode.has(c));
    assert.deepEqual(missing, []);
    for (const e of aadstsEntries) {
      if (page.has(e.code)) assert.equal(e.notOnReferencePage, undefined, `AADSTS${e.code} is on the page`);
      else assert.equal(e.notOnReferencePage, true, `AADSTS${e.code} is not on the page and must say so`);
    }
  });

  it('covers every code of the older sign-in activity report error-code page', () => {
    const byCode = new Map(aadstsEntries.map((e) => [e.code, e]));
    assert.equal(new Set(SIGNIN_REPORT_PAGE_CODES).size, SIGNIN_REPORT_PAGE_CODES.length);
    assert.deepEqual(
      SIGNIN_REPORT_PAGE_CODES.filter((c) => !byCode.has(c)),
      [],
    );
  });

  it('keeps the workload-identity and client-credential codes users hit most, with SDK-specific hints', () => {
    const byCode = new Map(aadstsEntries.map((e) => [e.code, e]));
    for (const c of [
      7000215, 7000222, 700016, 700211, 700212, 700213, 70025, 70021, 700024, 7000229, 500011, 50076, 53003, 700082,
      1002016,
    ]) {
      assert.ok(byCode.has(c), `AADSTS${c} present`);
    }
    const secret = byCode.get(7000215)!;
    assert.ok(
      secret.causes.some((s) => /secret ID/i.test(s)),
      '7000215 explains the secret-ID-instead-of-value mistake',
    );
    assert.ok(secret.fixes.some((s) => s.includes('AZURE_CLIENT_SECRET')));
    assert.ok(secret.credentials?.includes('EnvironmentCredential'));
    assert.ok(byCode.get(700213)!.credentials?.includes('WorkloadIdentityCredential'));
    assert.ok(byCode.get(50076)!.fixes.some((s) => s.includes('az login')));
  });
});

describe('AADSTS catalog through the lookup', () => {
  afterEach(() => useAadstsCatalog(undefined));

  it('the bundled lookup finds entries from every data file', () => {
    useAadstsCatalog(undefined);
    for (const f of aadstsFiles) {
      const first = f.entries[0]!;
      assert.equal(lookupAadsts(first.code)?.name, first.name, `${f.file} is reachable through lookupAadsts`);
    }
    assert.equal(lookupAadsts(1), undefined);
  });
});
