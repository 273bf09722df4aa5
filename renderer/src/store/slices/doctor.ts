import type { DoctorReport } from '../../../../shared/api/contract';
import { idle, load, type Loadable } from '../loadable';
import { field, type Deps, type Slice } from '../types';

export interface DoctorSlice {
  doctor: Loadable<DoctorReport>;
  loadDoctor(): Promise<void>;
}

export const doctorSlice =
  (deps: Deps): Slice<DoctorSlice> =>
  (set, get) => ({
    doctor: idle,
    async loadDoctor() {
      await load(field('doctor', get, set), () => deps.client.call('doctor.run', {}), { keep: true });
    },
  });
