/** The visual check, part 2: request button, request list, companions, playground (see visual-check.ts). */
import { visualCheck } from './visual-check.js';

visualCheck(1);
