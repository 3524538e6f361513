/** The visual check, part 1: seats, grid, room stories (see visual-check.ts). */
import { visualCheck } from './visual-check.js';

visualCheck(0);
