import { serviceBundle } from '../../tsup.service';

export default serviceBundle();
