export * from './types';
export * from './prompt-tags';
export * from './tokenizer';
export * from './scripted-model';
