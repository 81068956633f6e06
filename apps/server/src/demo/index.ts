export { DEMO_FEATURED, DEMO_PRODUCTS, matchDemoProduct, recommendationsForLabel, type DemoArt, type DemoPattern, type DemoProduct } from './catalog.ts';
export {
  DEMO_IMAGE_SIZE,
  demoProductSvg,
  demoShowings,
  demoVariants,
  drawDemoPixels,
  drawDemoProduct,
  SHOW_BACKGROUNDS,
  TEACH_BACKGROUNDS,
  type DemoVariant,
} from './draw.ts';
export {
  DEFAULT_DEMO_VARIANTS,
  DEFAULT_PER_LABEL,
  labelFromFolder,
  seedDemoCatalog,
  seedFromDataset,
  type DatasetSeedDeps,
  type DatasetSeedResult,
  type DemoSeedDeps,
  type DemoSeedResult,
} from './seed.ts';
