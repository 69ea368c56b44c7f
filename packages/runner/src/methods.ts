/**
 * The methods `autodiff train --method` knows. A new method is its own package file plus one line here.
 */
import { gdpoMethod } from '@llm-autodiff/gdpo';
import { methods } from '@llm-autodiff/trainer';

if (!methods.has(gdpoMethod.name)) methods.register(gdpoMethod);

export { methods };
