import { Injectable } from '@nestjs/common';
import type { SimulateNoiseDto } from './dto/simulate-noise.dto.js';
import type { SimulateNoiseResponse } from './dto/simulate-noise.response.js';
import { DEFAULT_NOISE_RATES, type NoiseRates, simulateNoise } from './simulate-noise.js';

export const SIMULATED_NOTE =
  'Simulated noise for training and testing: values were changed on purpose, listed in changes; these are not captured data, and nothing was stored.';

@Injectable()
export class NoiseService {
  /** Stores nothing and reads nothing: the answer follows from the request alone. */
  simulate(body: SimulateNoiseDto): SimulateNoiseResponse {
    const rates: NoiseRates = {
      typo: body.rates?.typo ?? DEFAULT_NOISE_RATES.typo,
      unit_flip: body.rates?.unit_flip ?? DEFAULT_NOISE_RATES.unit_flip,
      scaling: body.rates?.scaling ?? DEFAULT_NOISE_RATES.scaling,
    };
    const { records, changes } = simulateNoise(body.records, body.seed, rates);
    return {
      simulated: true,
      note: SIMULATED_NOTE,
      seed: body.seed,
      rates,
      records_received: body.records.length,
      records_changed: new Set(changes.map((change) => change.index)).size,
      records,
      changes,
    };
  }
}
