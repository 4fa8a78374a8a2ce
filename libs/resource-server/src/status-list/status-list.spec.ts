import { inflateSync } from 'node:zlib';
import { decodeStatusList, encodeStatusList, StatusListBits, statusAt, StatusType } from './status-list';

/**
 * Test vectors of draft-ietf-oauth-status-list (oauth-wg/draft-ietf-oauth-status-list, main
 * at 2fb61cd), appendix "Test vectors for Status List encoding" (#test-vectors): every list has
 * 2^20 entries, all VALID (0) but those listed; `lst` is the vector's JSON encoding.
 */
const VECTOR_SIZE = 2 ** 20;
const VECTORS: Record<StatusListBits, { statuses: Array<[number, number]>; lst: string }> = {
  1: {
    statuses: [
      [0, 0b1], [1993, 0b1], [25460, 0b1], [159495, 0b1], [495669, 0b1], [554353, 0b1],
      [645645, 0b1], [723232, 0b1], [854545, 0b1], [934534, 0b1], [1000345, 0b1],
    ],
    lst: [
      'eNrt3AENwCAMAEGogklACtKQPg9LugC9k_ACvreiogEAAKkeCQAAAAAAAAAAAAAAAAAAAIBylgQAAAAAAAAAAAAAAAAAAAAAAAAA',
      'AAAAAAAAAAAAAAAAAAAAAAAAAAAAXG9IAAAAAAAAAPwsJAAAAAAAAAAAAAAAvhsSAAAAAAAAAAAA7KpLAAAAAAAAAAAAAAAAAAAA',
      'AJsLCQAAAAAAAAAAADjelAAAAAAAAAAAKjDMAQAAAACAZC8L2AEb',
    ].join(''),
  },
  2: {
    statuses: [
      [0, 0b01], [1993, 0b10], [25460, 0b01], [159495, 0b11], [495669, 0b01], [554353, 0b01],
      [645645, 0b10], [723232, 0b01], [854545, 0b01], [934534, 0b10], [1000345, 0b11],
    ],
    lst: [
      'eNrt2zENACEQAEEuoaBABP5VIO01fCjIHTMStt9ovGVIAAAAAABAbiEBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEB5',
      'WwIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'AAAAAAAAAID0ugQAAAAAAAAAAAAAAAAAQG12SgAAAAAAAAAAAAAAAAAAAAAAAAAAAOCSIQEAAAAAAAAAAAAAAAAAAAAAAAD8ExIA',
      'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwJEuAQAAAAAAAAAAAAAAAAAAAAAAAMB9SwIAAAAAAAAAAAAAAAAAAACoYUoA',
      'AAAAAAAAAAAAAEBqH81gAQw',
    ].join(''),
  },
  4: {
    statuses: [
      [0, 0b0001], [1993, 0b0010], [35460, 0b0011], [459495, 0b0100], [595669, 0b0101], [754353, 0b0110],
      [845645, 0b0111], [923232, 0b1000], [924445, 0b1001], [934534, 0b1010], [1004534, 0b1011], [1000345, 0b1100],
      [1030203, 0b1101], [1030204, 0b1110], [1030205, 0b1111],
    ],
    lst: [
      'eNrt0EENgDAQADAIHwImkIIEJEwCUpCEBBQRHOy35Li1EjoOQGabAgAAAAAAAAAAAAAAAAAAACC1SQEAAAAAAAAAAAAAAAAAAAAA',
      'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABADrsCAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADoxaEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIIoCgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'AAAAAAAAAACArpwKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAGhqVkAzlwIAAAAAiGVRAAAAAAAAAAAAAAAA',
      'AAAAAAAAAAAAAAAAAAAAAAAAAABx3AoAgLpVAQAAAAAAAAAAAAAAwM89rwMAAAAAAAAAAAjsA9xMBMA',
    ].join(''),
  },
  8: {
    statuses: [
      [233478, 0b00000000], [52451, 0b00000001], [576778, 0b00000010], [513575, 0b00000011], [468106, 0b00000100], [292632, 0b00000101], [214947, 0b00000110], [182323, 0b00000111],
      [884834, 0b00001000], [66653, 0b00001001], [62489, 0b00001010], [196493, 0b00001011], [458517, 0b00001100], [487925, 0b00001101], [55649, 0b00001110], [416992, 0b00001111],
      [879796, 0b00010000], [462297, 0b00010001], [942059, 0b00010010], [583408, 0b00010011], [13628, 0b00010100], [334829, 0b00010101], [886286, 0b00010110], [713557, 0b00010111],
      [582738, 0b00011000], [326064, 0b00011001], [451545, 0b00011010], [705889, 0b00011011], [214350, 0b00011100], [194502, 0b00011101], [796765, 0b00011110], [202828, 0b00011111],
      [752834, 0b00100000], [721327, 0b00100001], [554740, 0b00100010], [91122, 0b00100011], [963483, 0b00100100], [261779, 0b00100101], [793844, 0b00100110], [165255, 0b00100111],
      [614839, 0b00101000], [758403, 0b00101001], [403258, 0b00101010], [145867, 0b00101011], [96100, 0b00101100], [477937, 0b00101101], [606890, 0b00101110], [167335, 0b00101111],
      [488197, 0b00110000], [211815, 0b00110001], [797182, 0b00110010], [582952, 0b00110011], [950870, 0b00110100], [765108, 0b00110101], [341110, 0b00110110], [776325, 0b00110111],
      [745056, 0b00111000], [439368, 0b00111001], [559893, 0b00111010], [149741, 0b00111011], [358903, 0b00111100], [513405, 0b00111101], [342679, 0b00111110], [969429, 0b00111111],
      [795775, 0b01000000], [566121, 0b01000001], [460566, 0b01000010], [680070, 0b01000011], [117310, 0b01000100], [480348, 0b01000101], [67319, 0b01000110], [661552, 0b01000111],
      [841303, 0b01001000], [561493, 0b01001001], [138807, 0b01001010], [442463, 0b01001011], [659927, 0b01001100], [445910, 0b01001101], [1046963, 0b01001110], [829700, 0b01001111],
      [962282, 0b01010000], [299623, 0b01010001], [555493, 0b01010010], [292826, 0b01010011], [517215, 0b01010100], [551009, 0b01010101], [898490, 0b01010110], [837603, 0b01010111],
      [759161, 0b01011000], [459948, 0b01011001], [290102, 0b01011010], [1034977, 0b01011011], [190650, 0b01011100], [98810, 0b01011101], [229950, 0b01011110], [320531, 0b01011111],
      [335506, 0b01100000], [885333, 0b01100001], [133227, 0b01100010], [806915, 0b01100011], [800313, 0b01100100], [981571, 0b01100101], [527253, 0b01100110], [24077, 0b01100111],
      [240232, 0b01101000], [559572, 0b01101001], [713399, 0b01101010], [233941, 0b01101011], [615514, 0b01101100], [911768, 0b01101101], [331680, 0b01101110], [951527, 0b01101111],
      [6805, 0b01110000], [552366, 0b01110001], [374660, 0b01110010], [223159, 0b01110011], [625884, 0b01110100], [417146, 0b01110101], [320527, 0b01110110], [784154, 0b01110111],
      [338792, 0b01111000], [1199, 0b01111001], [679804, 0b01111010], [1024680, 0b01111011], [40845, 0b01111100], [234603, 0b01111101], [761225, 0b01111110], [644903, 0b01111111],
      [502167, 0b10000000], [121477, 0b10000001], [505144, 0b10000010], [165165, 0b10000011], [179628, 0b10000100], [1019195, 0b10000101], [145149, 0b10000110], [263738, 0b10000111],
      [269256, 0b10001000], [996739, 0b10001001], [346296, 0b10001010], [555864, 0b10001011], [887384, 0b10001100], [444173, 0b10001101], [421844, 0b10001110], [653716, 0b10001111],
      [836747, 0b10010000], [783119, 0b10010001], [918762, 0b10010010], [946835, 0b10010011], [253764, 0b10010100], [519895, 0b10010101], [471224, 0b10010110], [134272, 0b10010111],
      [709016, 0b10011000], [44112, 0b10011001], [482585, 0b10011010], [461829, 0b10011011], [15080, 0b10011100], [148883, 0b10011101], [123467, 0b10011110], [480125, 0b10011111],
      [141348, 0b10100000], [65877, 0b10100001], [692958, 0b10100010], [148598, 0b10100011], [499131, 0b10100100], [584009, 0b10100101], [1017987, 0b10100110], [449287, 0b10100111],
      [277478, 0b10101000], [991262, 0b10101001], [509602, 0b10101010], [991896, 0b10101011], [853666, 0b10101100], [399318, 0b10101101], [197815, 0b10101110], [203278, 0b10101111],
      [903979, 0b10110000], [743015, 0b10110001], [888308, 0b10110010], [862143, 0b10110011], [979421, 0b10110100], [113605, 0b10110101], [206397, 0b10110110], [127113, 0b10110111],
      [844358, 0b10111000], [711569, 0b10111001], [229153, 0b10111010], [521470, 0b10111011], [401793, 0b10111100], [398896, 0b10111101], [940810, 0b10111110], [293983, 0b10111111],
      [884749, 0b11000000], [384802, 0b11000001], [584151, 0b11000010], [970201, 0b11000011], [523882, 0b11000100], [158093, 0b11000101], [929312, 0b11000110], [205329, 0b11000111],
      [106091, 0b11001000], [30949, 0b11001001], [195586, 0b11001010], [495723, 0b11001011], [348779, 0b11001100], [852312, 0b11001101], [1018463, 0b11001110], [1009481, 0b11001111],
      [448260, 0b11010000], [841042, 0b11010001], [122967, 0b11010010], [345269, 0b11010011], [794764, 0b11010100], [4520, 0b11010101], [818773, 0b11010110], [556171, 0b11010111],
      [954221, 0b11011000], [598210, 0b11011001], [887110, 0b11011010], [1020623, 0b11011011], [324632, 0b11011100], [398244, 0b11011101], [622241, 0b11011110], [456551, 0b11011111],
      [122648, 0b11100000], [127837, 0b11100001], [657676, 0b11100010], [119884, 0b11100011], [105156, 0b11100100], [999897, 0b11100101], [330160, 0b11100110], [119285, 0b11100111],
      [168005, 0b11101000], [389703, 0b11101001], [143699, 0b11101010], [142524, 0b11101011], [493258, 0b11101100], [846778, 0b11101101], [251420, 0b11101110], [516351, 0b11101111],
      [83344, 0b11110000], [171931, 0b11110001], [879178, 0b11110010], [663475, 0b11110011], [546865, 0b11110100], [428362, 0b11110101], [658891, 0b11110110], [500560, 0b11110111],
      [557034, 0b11111000], [830023, 0b11111001], [274471, 0b11111010], [629139, 0b11111011], [958869, 0b11111100], [663071, 0b11111101], [152133, 0b11111110], [19535, 0b11111111],
    ],
    lst: [
      'eNrt0WOQM2kYhtGsbdu2bdu2bdu2bdu2bdu2jVnU1my-SWYm6U5enFPVf7ue97orFYAo7CQBAACQuuckAABStqUEAAAAAAAAtN6w',
      'EgAE71QJAAAAAIrwhwQAAAAAAdtAAgAAAAAAACLwkAQAAAAAAAAAAACUaFcJAACAeJwkAQAAAAAAAABQvL4kAAAAWmJwCQAAAAAA',
      'AAjAwBIAAAB06ywJoDKQBARpfgkAAAAAAAAAAAAAAAAAAACo50sJAAAAAAAAAOiRcSQAAAAAgAJNKgEAAG23mgQAAAAAAECw3pUA',
      'QvegBAAAAAAAAADduE4CAAAAyjSvBAAQiw8koHjvSABAb-wlARCONyVoxtMSZOd0CQAAAOjWDRKQmLckAAAAAACysLYEQGcnSAAA',
      'AAAQooUlAABI15kSAIH5RAIgLB9LABC4_SUgGZNIAABAmM6RoLbTJIASzCIBAEAhfpcAAAAAAABquk8CAAAAAAAAaJl9SvvzBOIC',
      'AFWmkIBgfSgBAAAANOgrCQAAAAAAAADStK8EAAC03gASAAAAAAAAAADFWFUCAAAAMjOaBEADHpYAQjCIBADduFwCAAAAAGitMSSI',
      '3BUSAECOHpAA6IHrJQAAAAAAsjeVBAAAKRpVAorWvwQAAAAAAAAAkKRtJAAAAAAAgCbcLAF0bXUJAAAAoF02kYDg7CYBAAAAAEB6',
      'NpQAAAAAAAAAAAAAAEr1uQQAAF06VgIAAAAAAAAAqDaeBAAQqgMkAAAAAABogQMlAAAAAAAa87MEAAAQiwslAAAAAAAAAAAAAAAA',
      'MrOyBAAAiekv-hcsY0Sgne6QAAAAAAAgaUtJAAAAAAAAAAAAAAAAAAAAAAAAAADwt-07vjVkAAAAgDy8KgFAUEaSAAAAAJL3vgQA',
      'WdhcAgAAoBHDSUDo1pQAAACI2o4SAABZm14CALoyuwQAAPznGQkgZwdLAAAQukclAAAAAAAAAAAAgKbMKgEAAAAAAAAAAAAAAAAA',
      'AECftpYAAAAAAAAAAAAACnaXBAAAAADk7iMJAAAAAAAAAABqe00CAnGbBBG4TAIAgFDdKgFAXCaWAAAAAAAAAAAAAAAAAKAJQwR7',
      '2XbGAQAAAKAhh0sAAAAAAABQgO8kAAAAAAAAAAAAACAaM0kAAAC5W0QCAIJ3mAQAxGwxCQAA6nhSAsjZBRIAANEbWQIAAAAAaJE3',
      'JACAwA0qAUBIVpKAlphbAiAPp0iQnKEkAAAAAAAgBP1KAAAAdOl4CQAAAAAAAPjLZBIAAG10RtrPm8_CAEBMTpYAAAAAAIjQYBL8',
      'z5QSAAAAAEDYPpUAACAsj0gAAADQkHMlAAjHDxIA0Lg9JQAAgHDsLQEAAABAQS6WAAAAgLjNFs2l_RgLAIAEfCEBlGZZCQAAaIHj',
      'JACgtlskAAAozb0SAAAAVFtfAgAAAAAAAAAAAAAAAAAAAAAAAKDDtxIAAAAAVZaTAKB5W0kAANCAsSUgJ0tL0GqHSNBbL0gAZflR',
      'AgCARG0kQXNmlgCABiwkAQAAAEB25pIAAAAAAAAAAAAAoFh9SwAAAAAAADWNmOSrpjFsEoaRgDKcF9Q1dxsEAAAAAAAAAAAAAAAA',
      'gPZ6SQIAAAAAAAAAgChMLgEAAAAAAAAAqZlQAsK2qQQAAAAAAAD06XUJAAAAqG9bCQAAgLD9IgEAAAAAAAAAAAAAAAAAAEBNe0gA',
      'AAAAAAAAAEBPHSEBAAAAlOZtCYA4fS8B0GFRCQAo0gISAOTgNwmC840EAAAAAAAAAAAAAAAAAAAAUJydJfjXPBIAAAAAAAAAAAAA',
      'AABk6WwJAAAAAAAAAAAAAAAAqG8UCQAAgPpOlAAAIA83SQAANWwc9HUjGAgAAAAAAACAusaSAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'qHKVBACQjxklAAAAAAAAAKBHxpQAAAAAACBME0lAdlaUAACyt7sEAAAA0Nl0EgAAAAAAAAAAAABA-8wgAQAAAAAAAKU4SgKgUtlB',
      'AgAAAAAAAAAAgMCMLwEE51kJICdzSgCJGl2CsE0tAQAA0L11JQAAAAAAAAjUOhIAAAAAAAAAAAAAAGTqeQkAAAAAAAAAAAAAKM8S',
      'EjTrJwkAAAAAAACocqQEULgVJAAAACjDUxJUKgtKAAAAqbpRAgCA0n0mAQAAAABAGzwmAUCTLpUAAAAAAAAAAEjZNRIAAAAAAAAA',
      'AAAAAAAAAAAA8I-vJaAlhpQAAAAAAHrvzjJ-OqCuuVlLAojP8BJAr70sQZVDJYAgXS0BAAAAAAAAAAAAtMnyEgAAAAAAFONKCQAA',
      'AAAAAADorc0kAAAAAAAAgDqOlgAAAAAAAAAAAADIwv0SAAAAAAAAAAAAAADBuV0CIFVDSwAAAABAAI6RAAAAAGIwrQSEZAsJAABo',
      'uRclAAAAAKDDrxIAAAA0bkkJgFiMKwEAAAAAAHQyhwRk7h4JAAAAAAAAAAAgatdKAACUYj0JAAAAAAAAAAAAQnORBLTFJRIAAAAA',
      'kIaDJAAAAJryngQAAAAAAAAAAAA98oQEAAAAAAAAAEC2zpcgWY9LQKL2kwAgGK9IAAAAAPHaRQIAAAAAAAAAAADIxyoSAAAAAAAA',
      'AAAAAADQFotLAECz_gQ1PX-B',
    ].join(''),
  },
};

function statusesOf(bits: StatusListBits): Uint8Array {
  const statuses = new Uint8Array(VECTOR_SIZE);
  for (const [idx, status] of VECTORS[bits].statuses) statuses[idx] = status;
  return statuses;
}

function rawBytes(lst: string): Buffer {
  return inflateSync(Buffer.from(lst, 'base64url'));
}

describe('Status List codec', () => {
  describe('the examples of §4.1 (Compressed Byte Array) and §4.2 (JSON)', () => {
    it('packs 16 one-bit statuses into 0xB9 0xA3, compressed to 78dadbb918000217015d', () => {
      const encoded = encodeStatusList([1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1], 1);
      expect(encoded).toEqual({ bits: 1, lst: 'eNrbuRgAAhcBXQ' });
      expect(Buffer.from(encoded.lst, 'base64url').toString('hex')).toBe('78dadbb918000217015d');
      expect([...rawBytes(encoded.lst)]).toEqual([0xb9, 0xa3]);
    });

    it('packs 12 two-bit statuses into 0xC9 0x44 0xF9, compressed to 78da3be9f2130003df0207', () => {
      const encoded = encodeStatusList([1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3], 2);
      expect(encoded).toEqual({ bits: 2, lst: 'eNo76fITAAPfAgc' });
      expect(Buffer.from(encoded.lst, 'base64url').toString('hex')).toBe('78da3be9f2130003df0207');
    });

    it('reads each status of the examples back', () => {
      const oneBit = decodeStatusList({ bits: 1, lst: 'eNrbuRgAAhcBXQ' });
      expect(Array.from({ length: 16 }, (_, i) => statusAt(oneBit, i))).toEqual([1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]);
      const twoBit = decodeStatusList({ bits: 2, lst: 'eNo76fITAAPfAgc' });
      expect(Array.from({ length: 12 }, (_, i) => statusAt(twoBit, i))).toEqual([1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]);
    });
  });

  describe.each([1, 2, 4, 8] as const)('the %i-bit test vector', (bits) => {
    const vector = VECTORS[bits];

    it('decodes to the listed statuses, and VALID everywhere else', () => {
      const list = decodeStatusList({ bits, lst: vector.lst });
      expect(list.size).toBe(VECTOR_SIZE);
      const expected = statusesOf(bits);
      for (const [idx, status] of vector.statuses) expect(statusAt(list, idx)).toBe(status);
      let differing = 0;
      for (let idx = 0; idx < VECTOR_SIZE; idx++) if (statusAt(list, idx) !== expected[idx]) differing++;
      expect(differing).toBe(0);
    });

    it('encodes to the same byte array, compressed at the highest level (ZLIB header 78 DA)', () => {
      const encoded = encodeStatusList(statusesOf(bits), bits);
      expect(encoded.bits).toBe(bits);
      expect(encoded.lst).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(encoded.lst, 'base64url').subarray(0, 2).toString('hex')).toBe('78da');
      // zlib builds differ in their DEFLATE output (Node's bundled zlib matches the vectors for 2 and
      // 4 bits, not 1 and 8), so the bytes under the compression are what must match.
      expect(rawBytes(encoded.lst).equals(rawBytes(vector.lst))).toBe(true);
    });
  });

  it('round-trips random statuses for every bit size, including a byte left part-filled', () => {
    for (const bits of [1, 2, 4, 8] as const) {
      const statuses = Array.from({ length: 1001 }, () => Math.floor(Math.random() * (1 << bits)));
      const list = decodeStatusList(encodeStatusList(statuses, bits));
      expect(list.size).toBe(Math.ceil((1001 * bits) / 8) * (8 / bits));
      expect(statuses.every((status, idx) => statusAt(list, idx) === status)).toBe(true);
    }
  });

  it('rejects an index outside the list (§8.3: no statement can be made, so the token is rejected)', () => {
    const list = decodeStatusList({ bits: 1, lst: 'eNrbuRgAAhcBXQ' });
    expect(statusAt(list, 15)).toBe(StatusType.INVALID);
    for (const idx of [16, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) expect(() => statusAt(list, idx)).toThrow(RangeError);
  });

  it('refuses statuses that do not fit in the bit size, and bit sizes the draft does not allow', () => {
    expect(() => encodeStatusList([0, 2], 1)).toThrow('status[1] = 2 does not fit in 1 bit(s)');
    expect(() => encodeStatusList([256], 8)).toThrow(RangeError);
    expect(() => encodeStatusList([-1], 8)).toThrow(RangeError);
    expect(() => encodeStatusList([0], 3 as StatusListBits)).toThrow(RangeError);
  });

  it('refuses malformed lists: bits, padding, non-base64url characters, a stream that is not ZLIB', () => {
    expect(() => decodeStatusList({ bits: 3, lst: 'eNrbuRgAAhcBXQ' })).toThrow('bits must be 1, 2, 4 or 8');
    expect(() => decodeStatusList({ bits: '1', lst: 'eNrbuRgAAhcBXQ' })).toThrow(TypeError);
    expect(() => decodeStatusList({ bits: 1, lst: 'eNrbuRgAAhcBXQ==' })).toThrow('base64url');
    expect(() => decodeStatusList({ bits: 1, lst: 'eNrbuRgA+hcBXQ' })).toThrow('base64url');
    expect(() => decodeStatusList({ bits: 1, lst: 42 })).toThrow('base64url');
    expect(() => decodeStatusList({ bits: 1, lst: Buffer.from('not zlib').toString('base64url') })).toThrow('not a ZLIB stream');
    // A corrupted byte fails the Adler-32 checksum.
    const corrupted = Buffer.from('eNrbuRgAAhcBXQ', 'base64url');
    corrupted[corrupted.length - 1] ^= 1;
    expect(() => decodeStatusList({ bits: 1, lst: corrupted.toString('base64url') })).toThrow('not a ZLIB stream');
  });

  it('stops at the size limit instead of inflating a small lst into a large array', () => {
    const big = encodeStatusList(new Uint8Array(1 << 20), 8);
    expect(big.lst.length).toBeLessThan(2000);
    expect(() => decodeStatusList(big, 64 * 1024)).toThrow('size limit');
    expect(decodeStatusList(big, 1 << 20).size).toBe(1 << 20);
  });
});
