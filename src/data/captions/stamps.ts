// The objects of foveate scenes: photo cut-outs from Debian's tuxpaint-stamps-default
// (GPL-2; read from the installed package on the user's machine, never shipped).
//
// Which stamps: the transparent-background *photographs* among the package's PNGs,
// chosen by looking at every one (2022.06.04-1): drawings, cartoons, letters, signs,
// flags, dreidels and the like are left out, as are mirrored duplicates without a
// description, pictures of several things ("Two flowers"), near-invisible ones (a glass
// of water, the sun's glow) and a 25×22 walnut.
//
// Their names come from the people who wrote the stamps' descriptions: the English
// line of the `.txt` beside each PNG (the first line that is not a translation
// `xx.utf8=…`), turned into a short noun phrase by `nounPhrase`: cut at the first
// sentence end, dash or comma; parentheses and quotation marks dropped; lower-cased;
// the leading article dropped ("A Seville orange, also called a bitter orange." →
// "seville orange"). Where that does not give a usable name (a sentence about the
// thing, an adjective that would contradict the scene such as "very small", a brand),
// the table below gives the name instead; each such entry says so.
//
// A category groups stamps that should never share a scene or be told apart by the
// held-out-pairs split (all flowers, all gravestones, a "cow" and a white "cow"): by
// default the name's last word, or the one the table gives.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../../errors.js';

/** Where Debian's tuxpaint-stamps-default puts the stamps. */
export const TUXPAINT_STAMPS_DIR = '/usr/share/tuxpaint/stamps';

/** [path under the stamps folder without .png, category (default: the name's last word), name (default: from the .txt)]. */
type Entry = readonly [string, string?, string?];

// prettier-ignore
export const STAMP_TABLE: readonly Entry[] = [
  ['animals/amphibians/frog-1'], ['animals/amphibians/frog'],
  ['animals/birds/adelaide-rosella'], ['animals/birds/albino_peahen'], ['animals/birds/blackbird'],
  ['animals/birds/chicken_profile'], ['animals/birds/crow'], ['animals/birds/crowned_crane'],
  ['animals/birds/cuckoo'], ['animals/birds/drake'], ['animals/birds/duck'], ['animals/birds/gander'],
  ['animals/birds/guineafowl', 'guinea fowl'], ['animals/birds/helmeted_guineafowl', 'guinea fowl'],
  ['animals/birds/hen'], ['animals/birds/heron_greatblue'], ['animals/birds/heron_greatblue_flying'],
  ['animals/birds/lark'], ['animals/birds/little-penguin'], ['animals/birds/magellanic_penguin'],
  ['animals/birds/magpie'], ['animals/birds/nandou'], ['animals/birds/ostrich'], ['animals/birds/owl'],
  ['animals/birds/peacock'], ['animals/birds/pelican'], ['animals/birds/penguin'], ['animals/birds/pigeon'],
  ['animals/birds/pink_flamingo'], ['animals/birds/quetzal'], ['animals/birds/rainbow-lorikeet'],
  ['animals/birds/rooster'], ['animals/birds/seagull', 'gull'], ['animals/birds/silver-gull', 'gull'],
  ['animals/birds/tucan'], ['animals/birds/turkey'], ['animals/birds/vulture'],
  ['animals/fish/bluegroper', undefined, 'blue groper'], // "George the blue groper."
  ['animals/fish/butterflyfish'], ['animals/fish/clownfish'], ['animals/fish/coraltrout'],
  ['animals/fish/dolphinfish'],
  ['animals/fish/lionfish', undefined, 'lionfish'], // "A very poisonous lionfish!"
  ['animals/fish/lobster'], ['animals/fish/moonwrasse'], ['animals/fish/seahorse'], ['animals/fish/shrimp'],
  ['animals/fish/stripedfish'],
  ['animals/insects/Brown_slug'], ['animals/insects/Woodlouse'], ['animals/insects/grasshopper'],
  ['animals/insects/hornet'],
  ['animals/insects/hoverfly', undefined, 'hoverfly'], // "A hoverfly resembles a honeybee drone."
  ['animals/insects/mantis'],
  ['animals/insects/xanthia', undefined, 'moth'], // "A xanthia." (a genus of moths)
  ['animals/lizards/iguana'],
  ['animals/mammals/apes/chimp'], ['animals/mammals/apes/gorilla'], ['animals/mammals/apes/tamarin_emperor'],
  ['animals/mammals/aquatic/dolphin'], ['animals/mammals/aquatic/orca'], ['animals/mammals/aquatic/otter'],
  ['animals/mammals/aquatic/sea_lion', 'sea lion'], ['animals/mammals/aquatic/whale'],
  ['animals/mammals/badger'], ['animals/mammals/bears/bear'], ['animals/mammals/bears/european-bear'],
  ['animals/mammals/bears/toys/edward_bear', 'teddy bear', 'teddy bear'], // "Edward Bear."
  ['animals/mammals/bovines/bison'], ['animals/mammals/bovines/bull'], ['animals/mammals/bovines/cow'],
  ['animals/mammals/bovines/cow_white'],
  ['animals/mammals/bovines/gnu-baby-stand', undefined, 'baby gnu'], // "The baby of a gnu."
  ['animals/mammals/bovines/gnu-baby', undefined, 'baby gnu'],
  ['animals/mammals/bovines/gnu-sitting'], ['animals/mammals/bovines/gnu-stand'], ['animals/mammals/bovines/goat'],
  ['animals/mammals/bovines/indian_blackbuck'],
  ['animals/mammals/bovines/mountaingoat', 'goat', 'mountain goat'], // "A mountaingoat."
  ['animals/mammals/bovines/ram'], ['animals/mammals/bovines/sheep'],
  ['animals/mammals/bovines/sheep_lamb', undefined, 'lamb'], // "A baby sheep (a lamb)."
  ['animals/mammals/bovines/yak'], ['animals/mammals/bovines/zebu'],
  ['animals/mammals/camel/camel'], ['animals/mammals/camel/dromedary'],
  ['animals/mammals/cats/lion-2'], ['animals/mammals/cats/lion'], ['animals/mammals/cats/tiger'],
  ['animals/mammals/cats/tiger_sumatran'],
  ['animals/mammals/deer/caribou'], ['animals/mammals/deer/deer'], ['animals/mammals/deer/doe'],
  ['animals/mammals/deer/wapiti'],
  ['animals/mammals/dogs/dingo'], ['animals/mammals/dogs/dog'], ['animals/mammals/dogs/fox'],
  ['animals/mammals/elephant'], ['animals/mammals/equines/donkey'], ['animals/mammals/equines/donkey_eating'],
  ['animals/mammals/equines/horse'], ['animals/mammals/equines/zebra'], ['animals/mammals/ferret'],
  ['animals/mammals/giraffe'], ['animals/mammals/hippopotamus'], ['animals/mammals/pig'],
  ['animals/mammals/pig_golden'], ['animals/mammals/pig_golden2'], ['animals/mammals/rabbit_little'],
  ['animals/mammals/rhino_black', undefined, 'black rhino'], // "A male black rhino."
  ['animals/mammals/rodents/beaver'], ['animals/mammals/rodents/capybara'], ['animals/mammals/rodents/marmot'],
  ['animals/mammals/rodents/mouse'], ['animals/mammals/rodents/rabbit-2'], ['animals/mammals/rodents/rabbit'],
  ['animals/mammals/rodents/rat'], ['animals/mammals/rodents/squirrel'],
  ['animals/mammals/wildboar', undefined, 'wild boar'], // "Two wild boars." (a sow and a piglet)
  ['animals/marsupials/kangaroo'], ['animals/marsupials/koala'], ['animals/marsupials/wombat'],
  ['animals/shellfish/abalone'], ['animals/shellfish/murray-mussel'],
  ['clothes/clothespin_new'], ['clothes/clothespin_old'],
  ['food/fruit/Apricot_whole'], ['food/fruit/Cherry_Stella'], ['food/fruit/Strawberry2'],
  ['food/fruit/apple_fuji'], ['food/fruit/apple_granny_smith'], ['food/fruit/apple_green'],
  ['food/fruit/apple_red'], ['food/fruit/apple_sierra_beauty'], ['food/fruit/apricot'],
  ['food/fruit/avocado', undefined, 'avocado'], // "An avocado fruit."
  ['food/fruit/banana'],
  ['food/fruit/cherimoya', undefined, 'cherimoya'], // "A cherimoya fruit."
  ['food/fruit/grapes'], ['food/fruit/kiwi'], ['food/fruit/lemon'], ['food/fruit/mandarine'],
  ['food/fruit/mango'], ['food/fruit/orange'], ['food/fruit/orange_seville'], ['food/fruit/pear'],
  ['food/fruit/pineapple'], ['food/fruit/pomegranate'], ['food/fruit/raspberry'], ['food/fruit/sliced_lime'],
  ['food/fruit/sliced_orange'], ['food/fruit/strawberry'],
  ['food/nuts/almond'], ['food/nuts/pecan'], ['food/nuts/walnut'],
  ['food/spices/ginger', 'ginger'],
  ['food/vegetables/broccoli', undefined, 'head of broccoli'], // "Eat your broccoli!"
  ['food/vegetables/carrot'], ['food/vegetables/chilepepper'],
  ['food/vegetables/corn', undefined, 'ear of corn'], // "Sweet yellow corn."
  ['food/vegetables/eggplant'], ['food/vegetables/garlic', 'garlic'], ['food/vegetables/garlics'],
  ['food/vegetables/lettuce'], ['food/vegetables/mushroom'], ['food/vegetables/onion'],
  ['food/vegetables/pattypan_squash'], ['food/vegetables/pepper'], ['food/vegetables/potato'],
  ['food/vegetables/pumpkin_small', undefined, 'pumpkin'], // "A very small pumpkin."
  ['food/vegetables/redlettuce'],
  ['food/vegetables/tomato', undefined, 'red tomato'], // "A ripe, red tomato!"
  ['food/vegetables/yam'], ['food/vegetables/yellowpepper'],
  ['hobbies/binoculars'], ['hobbies/camera_35mm'], ['hobbies/music/brass/trumpet'],
  ['hobbies/music/percussion/cymbal_crash'], ['hobbies/music/percussion/drum_tomtom_floor'],
  ['hobbies/music/percussion/drumkit', 'drum'], ['hobbies/music/string/cello'],
  ['hobbies/music/string/guitar2'], ['hobbies/music/string/guitar_classical'],
  ['hobbies/music/string/guitar_electric'], ['hobbies/music/string/guitar_electric_bass'],
  ['hobbies/music/string/violin'], ['hobbies/music/wind/bassoon'],
  ['household/Lightbulb'], ['household/arttools/highlighter'], ['household/arttools/pen_dryerase'],
  ['household/arttools/scissors_small_closed'], ['household/arttools/scissors_small_open'],
  ['household/cylinder'], ['household/dishes/mug'],
  ['household/dishes/pitcher_small', undefined, 'pitcher'], // "A very small pitcher."
  ['household/dishes/teapot'], ['household/dishes/utensils/nutcracker'],
  ['household/dishes/utensils/pepper_grinder'], ['household/garbagecan'],
  ['household/home_compost_bin'], ['household/kettle'], ['household/key'],
  ['household/rubberduck', 'rubber duck'],
  ['household/toilet', undefined, 'toilet'], // "Remember to flush the toilet and wash your hands with soap!"
  ['household/tools/cementmixer'], ['household/tools/hammer'],
  ['household/tools/mallet_metal', undefined, 'metal mallet'], // "A large metal mallet."
  ['household/tools/measuring_tape'],
  ['household/tools/paintbrush_large', undefined, 'paintbrush'], // "A large paintbrush."
  ['household/tools/plyers'], ['household/tools/saw'], ['household/tools/spade'], ['household/tools/toolbox'],
  ['household/tools/wrench'], ['household/tools/wrench_adjustable'], ['household/tools/wrench_plumbers'],
  ['household/wheelie_bin'],
  ['medical/bandage_adhesive'], ['medical/mercurythermometer'],
  ['medical/stethoscope', undefined, 'stethoscope'], // "A stethoscope lets your doctor listen to …"
  ['medical/syringe'],
  ['military/vehicles/f22_raptor', undefined, 'fighter jet'], // "An F-22 Raptor."
  ['people/fireman200b'], ['people/fireman240a'],
  ['people/toys/grannysmith', undefined, 'rag doll'], // "Grandma's old rag doll."
  ['plants/flowers/adeenia', 'flower'], ['plants/flowers/anemone_red', 'flower'],
  ['plants/flowers/anthoorium', 'flower'], ['plants/flowers/bolsom', 'flower'],
  ['plants/flowers/chemparathi', 'flower'], ['plants/flowers/daffodil', 'flower'],
  ['plants/flowers/flower1', 'flower'], ['plants/flowers/flower10', 'flower'], ['plants/flowers/flower2', 'flower'],
  ['plants/flowers/flower3', 'flower'], ['plants/flowers/flower5', 'flower'], ['plants/flowers/flower6', 'flower'],
  ['plants/flowers/flower8', 'flower'],
  ['plants/flowers/flower9', 'flower', 'flower'], // "A flower covered in dew drops."
  ['plants/flowers/iris', 'flower'], ['plants/flowers/marigold', 'flower'], ['plants/flowers/pigface', 'flower'],
  ['plants/flowers/plastic/chuvanna_plastic_poo', 'flower'], ['plants/flowers/red-gazania', 'flower'],
  ['plants/flowers/rose', 'flower'], ['plants/flowers/whitestar-petunia', 'flower'],
  ['plants/flowers/yellow-flower', 'flower'],
  ['plants/lavender', 'plant', 'lavender plant'], // "A plant of common lavender."
  ['plants/mushrooms/cep-1', 'mushroom'], ['plants/mushrooms/cep', 'mushroom'],
  ['plants/thyme', 'plant'],
  ['plants/trees/birch', 'tree', 'birch tree'], // "A birch at winter."
  ['plants/trees/holm_oak', 'tree'], ['plants/trees/liberia-palm'], ['plants/trees/pinecone'],
  ['plants/trees/tree336'],
  ['seasonal/candle'],
  ['seasonal/christmas/Candy_cane_photo_1', undefined, 'candy cane'], // "A candy cane is a traditional Christmas treat …"
  ['seasonal/christmas/Candy_cane_photo_2', undefined, 'candy cane'],
  ['seasonal/christmas/Christmas_Tree_photo'],
  ['seasonal/christmas/Christmas_pudding', undefined, 'christmas pudding'], // "A christmas pudding is eaten on …"
  ['seasonal/christmas/Mince_Pie', undefined, 'mince pie'], // "A mince pie is a traditional Christmas food …"
  ['seasonal/christmas/Roast_turkey', 'roast turkey', 'roast turkey'], // "Roast turkey is traditionally eaten …"
  ['seasonal/halloween/grave-a', 'gravestone'], ['seasonal/halloween/grave-b', 'gravestone'],
  ['seasonal/halloween/grave-c', 'gravestone'], ['seasonal/halloween/grave-d', 'gravestone'],
  ['seasonal/halloween/grave-e', 'gravestone'], ['seasonal/halloween/grave-f', 'gravestone'],
  ['seasonal/halloween/grave-g', 'gravestone'],
  ['seasonal/halloween/grave-h', 'gravestone', 'tombstone'], // "Another tombstone."
  ['seasonal/halloween/grave-i', 'gravestone'], ['seasonal/halloween/grave-j', 'gravestone'],
  ['space/apollo_lander', undefined, 'lunar lander'], // "The Apollo lunar lander module."
  ['space/moon/moon_3qt', undefined, 'moon'], // "Our moon."
  ['space/moon/moon_crescent', undefined, 'crescent moon'], // "Our moon as a crescent."
  ['space/moon/moon_full'],
  ['space/planets/1_mercury', undefined, 'planet'], // "Mercury—the planet closest to the Sun."
  ['space/planets/2_venus', undefined, 'planet'], ['space/planets/3_earth', undefined, 'planet'],
  ['space/planets/4_mars', undefined, 'planet'], ['space/planets/5_jupiter', undefined, 'planet'],
  ['space/planets/7_uranus', undefined, 'planet'], ['space/planets/8_neptune', undefined, 'planet'],
  ['space/planets/9_pluto', undefined, 'planet'],
  ['space/spacewalk', undefined, 'astronaut'], // "An astronaut making a spacewalk!"
  ['space/voyager2', undefined, 'space probe'], // "The Voyager-2 deep-space probe."
  ['sports/australian_rules_football', undefined, 'football'], // "A football used in Australian Rules."
  ['sports/basketball'], ['sports/cricketball'], ['sports/football'], ['sports/soccer'],
  ['sports/tennis_ball'], ['sports/tennis_racket'], ['sports/trophy_cup'],
  ['town/monuments/inukshuk-photo'], ['town/roadsigns/railroad_crossing'], ['town/roadsigns/traffic_cone'],
  ['town/uk_post_box', 'mailbox'], ['town/usps_mailbox'],
  ['vehicles/auto/beetle', undefined, 'car'], // "A VW Beetle."
  ['vehicles/auto/sedan'], ['vehicles/auto/sportscar2'], ['vehicles/auto/truck'],
  ['vehicles/construction/dumper'], ['vehicles/cycle/pink_tricycle'], ['vehicles/emergency/firetruck'],
  ['vehicles/flight/balloon360'], ['vehicles/flight/planes/747'], ['vehicles/garbagetruck'],
  ['vehicles/masstransit/green_korean_bus'], ['vehicles/race/indycar'],
  ['vehicles/ship/chineseJunk', undefined, 'sailing ship'], // "An old Chinese sailing ship."
  ['vehicles/ship/walnutBoat'], ['vehicles/wheel_tractor'],
];

/** The English line of a stamp description: the first non-empty line that is not a translation (`xx.utf8=…`). */
export function englishLine(text: string): string {
  for (const line of text.split(/\r?\n/)) {
    const l = line.trim();
    if (l.length > 0 && !/^[A-Za-z_@-]+(\.utf-?8)?\s*=/.test(l)) return l;
  }
  return '';
}

/**
 * A short noun phrase from a stamp's description: cut at the first sentence end, dash
 * or comma; parentheses and quotation marks dropped; lower-cased; leading article dropped.
 * @example nounPhrase('A Seville orange, also called a bitter orange.') // 'seville orange'
 */
export function nounPhrase(description: string): string {
  let s = description.replace(/\([^)]*\)/g, ' ').replace(/’/g, "'");
  s = s.split(/[.!?](?=\s|$)|[—–]|,|;|:/)[0] ?? '';
  s = s.replace(/[“”"]/g, ' ').replace(/(^|\s)'([^']*)'(?=\s|$)/g, '$1$2');
  s = s.toLowerCase().replace(/\s+/g, ' ').trim();
  return s.replace(/^(a|an|the|some) /, '');
}

/** A stamp: its name and category, where it is, and its description as written. */
export interface StampInfo {
  /** Path under the stamps folder, without .png. */
  id: string;
  name: string;
  category: string;
  /** The English description from the .txt. */
  description: string;
  file: string;
}

/**
 * The catalogue's stamps found in `dir`, with their names. A listed stamp missing
 * from this version of the package is left out and reported in `missing`.
 */
export function stampCatalogue(dir = TUXPAINT_STAMPS_DIR, op = 'scenes'): { stamps: StampInfo[]; missing: string[] } {
  if (!existsSync(dir)) fail(op, `${dir} not found: install Debian's package tuxpaint-stamps-default (apt-get install tuxpaint-stamps-default), or pass stampsDir`);
  const stamps: StampInfo[] = [];
  const missing: string[] = [];
  for (const [id, category, name] of STAMP_TABLE) {
    const file = join(dir, `${id}.png`);
    const txt = join(dir, `${id}.txt`);
    if (!existsSync(file) || !existsSync(txt)) {
      missing.push(id);
      continue;
    }
    const description = englishLine(readFileSync(txt, 'utf8'));
    const n = name ?? nounPhrase(description);
    if (!/^[a-z][a-z' -]*[a-z]$/.test(n) || n.split(' ').length > 5) fail(op, `${txt}: the description ${JSON.stringify(description)} gives no usable name (${JSON.stringify(n)}); this version of tuxpaint-stamps-default needs a name in STAMP_TABLE (src/data/captions/stamps.ts)`);
    stamps.push({ id, name: n, category: category ?? n.split(' ').pop()!, description, file });
  }
  if (stamps.length < 2) fail(op, `${dir}: only ${stamps.length} of the ${STAMP_TABLE.length} stamps foveate uses were found; is it tuxpaint-stamps-default's stamps folder?`);
  return { stamps, missing };
}
