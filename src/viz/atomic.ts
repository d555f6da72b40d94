// Pictures are written atomically like every other file (see io/atomic.ts).
export { writeFileAtomic } from '../io/atomic.js';
