export { DEFAULT_MAX_PIXELS, decodeImage, sniffImageType, type DecodeLimits, type ImageType } from './image.ts';
