export function formatAmount(t: { amountMinor: number; currency: string }): string {
  return new Intl.NumberFormat('nb-NO', { style: 'currency', currency: t.currency }).format(t.amountMinor / 100);
}
