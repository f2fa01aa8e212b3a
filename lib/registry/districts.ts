/**
 * Depok's eleven kecamatan by the ids the station catalogue and the registry use (`district`), with the
 * names people write. A registry may hold a name already, or a district of another city: that is shown
 * as it is.
 */
const KECAMATAN: Readonly<Record<string, string>> = {
  beji: 'Beji',
  bojongsari: 'Bojongsari',
  cilodong: 'Cilodong',
  cimanggis: 'Cimanggis',
  cinere: 'Cinere',
  cipayung: 'Cipayung',
  limo: 'Limo',
  'pancoran-mas': 'Pancoran Mas',
  sawangan: 'Sawangan',
  sukmajaya: 'Sukmajaya',
  tapos: 'Tapos',
};

export const districtName = (district: string): string => KECAMATAN[district] ?? district;
