/** Norwegian national identity number (fødselsnummer): 11 digits, two mod-11 check digits. */
const W1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const W2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

function checkDigit(digits: number[], weights: number[]): number | undefined {
  const sum = weights.reduce((acc, w, i) => acc + w * digits[i], 0);
  const k = 11 - (sum % 11);
  if (k === 11) return 0;
  return k === 10 ? undefined : k;
}

export function isValidNationalId(value: string): boolean {
  if (!/^\d{11}$/.test(value)) return false;
  const digits = [...value].map(Number);
  return checkDigit(digits, W1) === digits[9] && checkDigit(digits, W2) === digits[10];
}

/** Completes the first nine digits with their check digits, or undefined when none exist. */
export function withCheckDigits(first9: string): string | undefined {
  const digits = [...first9].map(Number);
  const k1 = checkDigit(digits, W1);
  if (k1 === undefined) return undefined;
  const k2 = checkDigit([...digits, k1], W2);
  return k2 === undefined ? undefined : `${first9}${k1}${k2}`;
}
