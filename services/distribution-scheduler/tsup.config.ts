import { cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { serviceBundle } from '../../tsup.service';

export default serviceBundle({
  // bull-board reads its page and assets from disk at run time: they go beside the bundle
  // (src/bull-board.ts finds them there), so the image needs no node_modules for them.
  onSuccess: async () => {
    const require = createRequire(path.resolve('package.json'));
    const ui = path.dirname(require.resolve('@bull-board/ui/package.json'));
    cpSync(path.join(ui, 'dist'), 'dist/bull-board-ui/dist', { recursive: true });
  },
});
