// Every word the back office shows, in one place, so a translation is one new table. `{name}`
// placeholders are filled by `t()`. Error codes map to friendly text here too.
import type { ErrorCode } from '@smartmirror/api';

const en = {
  appTitle: 'Smart mirror — back office',
  loginTitle: 'Sign in',
  loginToken: 'Admin token',
  loginSubmit: 'Sign in',
  loginWrong: 'That token was refused.',
  logout: 'Sign out',
  loading: 'Loading…',
  save: 'Save',
  saved: 'Saved.',
  cancel: 'Cancel',
  delete: 'Delete',
  edit: 'Edit',
  create: 'Create',
  confirmDelete: 'Delete "{name}"? This cannot be undone.',
  none: '—',
  // navigation
  navLabels: 'Labels',
  navCatalog: 'Catalog',
  navRecommendations: 'Recommendations',
  navBought: 'Bought together',
  navAnalytics: 'Analytics',
  navSettings: 'Settings',
  // labels
  labelsTitle: 'Labels and examples',
  labelsEmpty: 'No labels yet: teach products at the mirror.',
  labelExamples: 'examples: {count}',
  labelOtherModel: '{count} from other models',
  labelRename: 'Rename',
  labelRenameTo: 'New name',
  labelMerge: 'Merge into…',
  labelMergeSubmit: 'Merge',
  labelMergeInto: 'Label to merge into',
  labelDelete: 'Delete label',
  labelShow: 'Show examples',
  exampleDelete: 'Delete example',
  qualityTitle: 'Data quality',
  qualityRun: 'Check examples',
  qualityThreshold: 'Near-duplicate from similarity',
  qualityDuplicates: 'Near-duplicate examples ({count})',
  qualityConflicts: 'Examples whose nearest neighbour has another label ({count})',
  qualityNone: 'Nothing suspicious.',
  qualitySimilarity: 'similarity {value}',
  // catalog
  catalogTitle: 'Catalog',
  catalogEmpty: 'No products yet.',
  productName: 'Name',
  productDescription: 'Description',
  productPrice: 'Price',
  productTags: 'Tags (comma separated)',
  productImage: 'Image',
  productId: 'Id (optional, e.g. a SKU)',
  productNew: 'New product',
  importTitle: 'Bulk import',
  importHelp:
    'A CSV (id,name,description,price,tags,image) or JSON array of products, plus the image files it names (pick a folder, several files or a zip). Nothing is written before you confirm.',
  importManifest: 'Product list (CSV or JSON)',
  importImages: 'Images or a zip',
  importFolder: 'Image folder',
  importPreview: 'Preview',
  importCommit: 'Import {count} products',
  importRow: 'Row',
  importAction: 'Action',
  importErrors: 'Problems',
  importCreate: 'new',
  importUpdate: 'update',
  importError: 'error',
  importSummary: '{creates} new, {updates} updated, {errors} with errors',
  importUnused: 'Images not used by any row: {names}',
  importDone: 'Imported {count} products.',
  importFixFirst: 'Fix the rows with errors first: nothing was written.',
  // recommendations
  recsTitle: 'Recommendations',
  recsPickLabel: 'Label',
  recsNoLabels: 'No labels yet.',
  recsRanked: 'Ranked products (drag to reorder)',
  recsAdd: 'Add product',
  recsAddPick: 'Choose a product…',
  recsUp: 'Move {name} up',
  recsDown: 'Move {name} down',
  recsRemove: 'Remove {name}',
  recsEmpty: 'No products chosen for this label yet.',
  recsPreview: 'How the mirror shows it',
  recsPreviewTitle: 'Goes well with {label}',
  recsStrategy: 'Strategy',
  recsStrategyManual: 'Manual list',
  recsStrategyBought: 'Bought together with a product',
  recsStrategyBoth: 'Manual first, then bought together',
  recsAnchor: 'Bought together with',
  recsLimit: 'Show at most',
  recsSourceManual: 'manual',
  recsSourceBought: 'bought together',
  recsSaved: 'Saved: every mirror shows it now.',
  // bought together
  boughtTitle: 'Bought together',
  boughtHelp: 'Import order history as CSV with columns order_id, product_id, qty. It replaces the previous history.',
  boughtImport: 'Import orders',
  boughtSummary: '{lines} lines, {orders} orders, {products} products, {pairs} product pairs',
  boughtNoOrders: 'No orders imported yet.',
  boughtMinSupport: 'Minimum support (fraction of orders)',
  boughtMinCount: 'Minimum orders with both',
  boughtRankBy: 'Rank by',
  boughtProduct: 'Product',
  boughtPartner: 'Bought with',
  boughtCount: 'Orders with both',
  boughtSupport: 'Support',
  boughtConfidence: 'Confidence',
  boughtLift: 'Lift',
  boughtExplain:
    'Support: share of all orders holding both. Confidence: share of orders holding the product that also hold the partner. Lift above 1: bought together more often than by chance.',
  boughtNoRules: 'No partner reaches the thresholds.',
  boughtProductOrders: '{count} of {orders} orders hold this product',
  // analytics
  analyticsTitle: 'Analytics',
  analyticsFrom: 'From',
  analyticsTo: 'To',
  analyticsBucket: 'Per',
  analyticsHour: 'hour',
  analyticsDay: 'day',
  analyticsExport: 'Export CSV',
  analyticsRecognitions: 'Recognitions',
  analyticsUnknown: 'Unknown',
  analyticsImpressions: 'Impressions',
  analyticsTeaching: 'Examples taught',
  analyticsUnknownRate: 'Unknown rate: {rate}',
  analyticsPerLabel: 'Per label',
  analyticsLabel: 'Label',
  // settings
  settingsTitle: 'Settings',
  settingsThreshold: 'Unknown below this similarity (whitened cosine, −1…1)',
  settingsK: 'Neighbours that vote (k)',
  settingsSmoothing: 'Smoothing (frames)',
  settingsIdle: 'Idle timeout (seconds)',
  settingsModel: 'Model in use',
  settingsModelNote:
    'Examples are only comparable within one model: switching the model needs every label taught again, so it is done with the command line (smartmirror model).',
  settingsKioskToken: 'Kiosk token',
  settingsKioskTokenNote: 'Staff type it on the mirror to teach. Rotating it makes the old one stop working at once.',
  settingsRotate: 'Rotate kiosk token',
  settingsRotated: 'New kiosk token (shown once): {token}',
  // errors
  errorGeneric: 'Something went wrong: {message}',
} as const;

/** A key of the strings table. */
export type StringKey = keyof typeof en;

/** The text of `key` with `{name}` placeholders filled from `vars`. */
export function t(key: StringKey, vars: Record<string, string | number> = {}): string {
  return en[key].replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

// Codes whose server message is not useful to a marketer; every other code's message is written
// for people (e.g. "A label Kiwi exists already: merge into it instead.") and shown as is.
const ERROR_TEXT: Partial<Record<ErrorCode, string>> = {
  UNAUTHENTICATED: 'Your session has ended: sign in again.',
  FORBIDDEN: 'This token may not use the back office.',
  CSRF_FAILED: 'The page is out of date: reload it and try again.',
  PAYLOAD_TOO_LARGE: 'The upload is too large.',
  SERVICE_UNAVAILABLE: 'The server cannot be reached.',
  INTERNAL: 'The server had a problem. Try again; if it persists, check the server log.',
};

/** Friendly text for an error code, falling back to the server's message. */
export function errorText(code: ErrorCode, message: string): string {
  return ERROR_TEXT[code] ?? message;
}
