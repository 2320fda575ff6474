// Word lists the rider and bike generators draw from. Kept as whitespace-separated text so the
// formatter leaves them compact; every entry is plain ASCII because the real feed's JSON
// envelope escapes non-ASCII and the simulator should not exercise a path the bikes never do.

function words(text: string): readonly string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}

/** Male first names, common in the UK. */
export const MALE_FIRST = words(`
  James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew
  Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward
  Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin
  Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry Tyler Aaron Henry Adam Douglas
  Nathan Peter Zachary Kyle Harry Oliver Charlie Alfie Leo Oscar Archie Freddie Stuart Wayne Liam
  Connor Callum Declan Rhys Owen Gareth Dylan Ewan Lewis Reece Jamie Craig Dean Neil Graham Ian
  Keith Trevor Colin Derek Barry Clive Malcolm Nigel Roy Terry Alan Martin Simon Howard Leslie
`);

/** Female first names, common in the UK. */
export const FEMALE_FIRST = words(`
  Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Sandra
  Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie Rebecca
  Sharon Laura Cynthia Amy Kathleen Angela Shirley Brenda Emma Anna Pamela Nicola Samantha Katherine
  Christine Helen Debra Rachel Carolyn Janet Maria Catherine Heather Diane Olivia Julie Joyce
  Victoria Ruth Virginia Lauren Kelly Christina Joan Evelyn Judith Andrea Hannah Megan Cheryl
  Jacqueline Martha Gloria Teresa Ann Sophie Chloe Jade Charlotte Amelia Isla Ava Mia Grace Freya
  Lily Ella Poppy Ruby Evie Holly Bethan Carys Ffion Niamh Siobhan Eilidh Fiona Morag Gemma Kirsty
  Leanne Natalie Zoe Abigail Eleanor Alice Lucy Georgia Molly Imogen Harriet Valerie Jean Maureen
`);

/** Surnames, common in the UK. */
export const SURNAMES = words(`
  Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson
  Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin
  Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips
  Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey
  Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh
  Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews
  Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray
  Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott
  Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer
  Gill Dawson Ball Burton Obrien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees
  Hayes Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods
  Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy
  Williamson Bird Gardner Shah Dean Lane Cooke Bates Henderson Parry Burgess Bishop Walton Burns
  Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates
  Hodgson Robson Curtis Hopkins Austin Fitzgerald Sanderson Whitehouse Ashworth Pritchard Vaughan
`);

/** Street kinds as the real feed spells them: lower case, after a name. */
export const STREET_SUFFIXES = words(`
  alley avenue bridge brook burgs bypass causeway centre circle close common corner course court
  cove crescent crest crossing dale drive estate falls fields flats ford forge fork gardens gateway
  glen green grove harbor haven heights hill hollow island junction knoll lake lane light locks
  manor meadow meadows mews mill mission motorway mount orchard oval park parkway pass path pike
  pine plain plaza point port prairie ridge road route row run shoal shore spring square station
  street summit terrace trace track trail turnpike union valley via view village vista walk way
  wells
`);

/** Town name endings, as in generated UK-like town names (e.g. Wilkinsonshire). */
export const TOWN_SUFFIXES = words(`
  ton town bury ville side mouth chester borough shire haven stad land burgh port ford field ham
  stead view fort berg furt
`);

/** Town name prefixes (e.g. East Valeriemouth, New Bethan). */
export const TOWN_PREFIXES = words(
  `North South East West New Port Lake Old Upper Lower Great Little`,
);

/** UK postcode areas, the letters before the first digit. */
export const POSTCODE_AREAS = words(`
  AB AL B BA BB BD BH BL BN BR BS CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH
  EN EX FK FY G GL GU HA HD HG HP HR HS HU HX IG IP IV KA KT KW KY L LA LD LE LL LN LS LU M ME MK
  ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW
  SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE
`);

/** Mail providers a UK customer base would use. */
export const EMAIL_DOMAINS: readonly (readonly [string, number])[] = [
  ['gmail.com', 30],
  ['hotmail.com', 20],
  ['yahoo.com', 10],
  ['outlook.com', 10],
  ['hotmail.co.uk', 10],
  ['yahoo.co.uk', 8],
  ['btinternet.com', 6],
  ['icloud.com', 6],
];

/** City-like words for the bikes' host tags (the real bike is `mendoza v9`). */
export const HOST_WORDS = words(`
  mendoza cordoba rosario salta lima cusco quito bogota medellin cali santiago valparaiso montevideo
  asuncion sucre caracas havana oaxaca puebla merida tijuana toledo sevilla malaga granada valencia
  bilbao porto lisbon braga coimbra faro turin genoa verona padua bologna parma siena naples bari
  palermo lyon nantes lille nice rennes dijon ghent bruges leiden utrecht bremen dresden leipzig
  krakow gdansk poznan brno graz linz basel bern geneva oslo bergen turku tartu riga vilnius kaunas
  sofia varna split zadar kotor
`);

/** Syllables that extend host words once the list runs out, keeping every tag distinct. */
export const HOST_SYLLABLES = words(`ka lo mi ra ne tu vo si da pe`);
