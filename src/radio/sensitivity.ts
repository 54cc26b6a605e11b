/**
 * Receiver sensitivity per SF and bandwidth, and the SNR demodulation floor.
 * Tables (dBm):
 * - `sx1276`: SX1276/77/78/79 datasheet Rev 7, RFS_L125/250/500_HF, SF6–12
 *   (https://github.com/jgromes/RadioLib/files/8646997/DS_SX1276-7-8-9_W_APP_V7.pdf).
 * - `sx1272`: SX1272/73 datasheet Rev 3.1, as used by FLoRa (`LoRaReceiver::getSensitivity`,
 *   https://github.com/florasim/flora/tree/247611ebf5224571ea60743afba54c968353c59d) and ns-3's
 *   end devices (`end-device-lora-phy.cc` line 77 @82ea58a).
 * - `sx1301`: gateway concentrator, ns-3 `gateway-lora-phy.cc` line 131 @82ea58a (125 kHz only).
 * - `lorasim`: LoRaSim's measured table (Bor et al. Table 3; `sf7`…`sf12` arrays in loraDir.py,
 *   https://github.com/EduLima7/LoRaSim/tree/e67917f809621df19a27e480238e15de6ec72a88).
 * - `sx1262`: SX1261/2 datasheet Rev 2.2 Table 3-8 gives SF7 and SF12 only (125 kHz −124/−137,
 *   250 kHz −121/−134, 500 kHz −117/−129 dBm); the SFs between are an estimate: the SF7 value
 *   stepped by the SNR floor (Table 6-1), capped by the SF12 value.
 * - `snr`: −174 + 10·log10(BW) + NF + SNR_min(SF), the thermal-noise formula (AN1200.22).
 * ns-3 lorawan @82ea58a: https://github.com/signetlabdei/lorawan/tree/82ea58a95c03ab158edfd81860ad614d1bf70ec6.
 */

export type SensitivityTableId = 'sx1276' | 'sx1272' | 'sx1301' | 'lorasim' | 'sx1262' | 'snr';

/**
 * Required SNR per SF, dB: SX127x datasheet (SF6–12), as used by LoRaEnergySim `required_snr()`
 * (`Framework/Gateway.py`, https://github.com/GillesC/LoRaEnergySim/tree/f854462cda0cd30cb56e3f0c576cb004711842f6)
 * and ns-3's SF assignment (`snrThresholds` in `helper/lorawan-mac-helper.cc` @82ea58a);
 * SF5 from SX1261/2 Table 6-1.
 */
const snrFloorDb: Readonly<Record<number, number>> = { 5: -2.5, 6: -5, 7: -7.5, 8: -10, 9: -12.5, 10: -15, 11: -17.5, 12: -20 };

type Table = Readonly<Record<number, Readonly<Record<number, number>>>>;

// bandwidth (Hz) → SF → dBm
const tables: Readonly<Record<Exclude<SensitivityTableId, 'snr' | 'sx1262'>, Table>> = {
  sx1276: {
    125e3: { 6: -118, 7: -123, 8: -126, 9: -129, 10: -132, 11: -133, 12: -136 },
    250e3: { 6: -115, 7: -120, 8: -123, 9: -125, 10: -128, 11: -130, 12: -133 },
    500e3: { 6: -111, 7: -116, 8: -119, 9: -122, 10: -125, 11: -128, 12: -130 },
  },
  sx1272: {
    125e3: { 6: -121, 7: -124, 8: -127, 9: -130, 10: -133, 11: -135, 12: -137 },
    // The 250 kHz row is left out: only its end points (−122 … −135) were retrievable.
    500e3: { 6: -111, 7: -116, 8: -119, 9: -122, 10: -125, 11: -128, 12: -129 },
  },
  sx1301: {
    125e3: { 7: -130.0, 8: -132.5, 9: -135.0, 10: -137.5, 11: -140.0, 12: -142.5 },
  },
  lorasim: {
    125e3: { 7: -126.5, 8: -127.25, 9: -131.25, 10: -132.75, 11: -134.5, 12: -133.25 },
    250e3: { 7: -124.25, 8: -126.75, 9: -128.25, 10: -130.25, 11: -132.75, 12: -132.25 },
    500e3: { 7: -120.75, 8: -124.0, 9: -127.5, 10: -128.75, 11: -128.75, 12: -132.25 },
  },
};

const sx1262Anchors: Readonly<Record<number, readonly [sf7: number, sf12: number]>> = {
  125e3: [-124, -137],
  250e3: [-121, -134],
  500e3: [-117, -129],
};

export function snrFloor(sf: number): number {
  const value = snrFloorDb[sf];
  if (value === undefined) throw new RangeError(`no SNR floor for SF${sf}`);
  return value;
}

/** Thermal noise power in the channel: −174 dBm/Hz + 10·log10(BW) + noise figure. */
export function noiseFloorDbm(bandwidthHz: number, noiseFigureDb: number): number {
  return -174 + 10 * Math.log10(bandwidthHz) + noiseFigureDb;
}

/**
 * Sensitivity in dBm, or undefined when the table has no entry for that SF and bandwidth.
 *
 * @example
 * sensitivityDbm('sx1276', 12, 125e3, 6); // -136
 */
export function sensitivityDbm(table: SensitivityTableId, sf: number, bandwidthHz: number, noiseFigureDb: number): number | undefined {
  if (table === 'snr') {
    const floor = snrFloorDb[sf];
    return floor === undefined ? undefined : noiseFloorDbm(bandwidthHz, noiseFigureDb) + floor;
  }
  if (table === 'sx1262') {
    const anchors = sx1262Anchors[bandwidthHz];
    const floor = snrFloorDb[sf];
    if (!anchors || floor === undefined) return undefined;
    if (sf === 12) return anchors[1];
    return Math.max(anchors[1], anchors[0] + floor - snrFloorDb[7]!);
  }
  return tables[table][bandwidthHz]?.[sf];
}
