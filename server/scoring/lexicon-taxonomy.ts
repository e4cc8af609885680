// Compilation of the lexicon's taxonomy (`lexicon.taxonomy`): its categories, the modality
// rules per category class and the calibration constants, each validated entry by entry.

import {
  type ModalityClass, MODALITY_CLASSES, RULED_MODALITIES, type RuledModality, type Category,
  type ModalityRule, type Calibration,
} from './lexicon-types.ts';
import { type Obj, fail, obj, arr, str, bool, num } from './lexicon-validate.ts';

export function compileCategories(taxonomy: Obj): Map<string, Category> {
  const categories = new Map<string, Category>();
  arr(taxonomy['categories'], 'taxonomy.categories').forEach((raw, i) => {
    const path = `taxonomy.categories[${i}]`;
    const c = obj(raw, path);
    const id = str(c['id'], `${path}.id`);
    if (categories.has(id)) fail(`${path}.id`, `duplicate category "${id}"`);
    const polarity = c['polarity'];
    if (polarity !== 'escalation' && polarity !== 'deescalation') fail(`${path}.polarity`, 'must be "escalation" or "deescalation"');
    const kind = c['kind'];
    if (kind !== 'rhetoric' && kind !== 'event' && kind !== 'vocabulary' && kind !== 'shield') {
      fail(`${path}.kind`, 'must be "rhetoric", "event", "vocabulary" or "shield"');
    }
    str(c['why'], `${path}.why`);
    const modalityClass: ModalityClass =
      kind === 'vocabulary' ? 'vocabulary' : polarity === 'deescalation' ? 'deescalation' : kind === 'event' ? 'escalation-event' : 'escalation-rhetoric';
    categories.set(id, {
      id,
      index: categories.size,
      label: str(c['label'], `${path}.label`),
      polarity,
      kind,
      weight: num(c['weight'], `${path}.weight`, 0, 10),
      modalityClass,
      scalesWithNumbers: bool(c['scalesWithNumbers'], `${path}.scalesWithNumbers`),
      hasTarget: bool(c['hasTarget'], `${path}.hasTarget`),
      governs: c['governs'] === undefined ? true : bool(c['governs'], `${path}.governs`),
      scopesOver: bool(c['scopesOver'], `${path}.scopesOver`),
      violentContext: bool(c['violentContext'], `${path}.violentContext`),
      resolves: bool(c['resolves'], `${path}.resolves`),
      claims: bool(c['claims'], `${path}.claims`),
      reverses: bool(c['reverses'], `${path}.reverses`),
      recastAs: null,
    });
  });
  // a second pass: recastAs names another category, possibly a later one
  arr(taxonomy['categories'], 'taxonomy.categories').forEach((raw, i) => {
    const c = raw as Obj;
    if (c['recastAs'] === undefined) return;
    const path = `taxonomy.categories[${i}].recastAs`;
    const target = categories.get(str(c['recastAs'], path));
    const self = categories.get(c['id'] as string)!;
    if (target === undefined) fail(path, `unknown category "${String(c['recastAs'])}"`);
    if (target.polarity === self.polarity || target.kind === 'vocabulary' || target.kind === 'shield') {
      fail(path, `"${target.id}" must be a taxonomy category of the opposite polarity`);
    }
    self.recastAs = target;
  });
  return categories;
}

export function compileModality(taxonomy: Obj): Record<RuledModality, Record<ModalityClass, ModalityRule>> {
  const m = obj(taxonomy['modality'], 'taxonomy.modality');
  const out = {} as Record<RuledModality, Record<ModalityClass, ModalityRule>>;
  for (const mod of RULED_MODALITIES) {
    const byClass = obj(m[mod], `taxonomy.modality.${mod}`);
    const rules = {} as Record<ModalityClass, ModalityRule>;
    for (const cls of MODALITY_CLASSES) {
      const path = `taxonomy.modality.${mod}.${cls}`;
      const r = obj(byClass[cls], path);
      const flip = r['flip'] ?? false;
      if (typeof flip !== 'boolean') fail(`${path}.flip`, 'must be a boolean');
      rules[cls] = { factor: num(r['factor'], `${path}.factor`, 0, 1), flip };
    }
    out[mod] = rules;
  }
  return out;
}

export function compileCalibration(taxonomy: Obj): Calibration {
  const c = obj(taxonomy['calibration'], 'taxonomy.calibration');
  return {
    baseline: num(c['baseline'], 'taxonomy.calibration.baseline', 1, 50),
    slope: num(c['slope'], 'taxonomy.calibration.slope', 0.01, 10),
    knee: num(c['knee'], 'taxonomy.calibration.knee', 0, 20),
    upperSlope: num(c['upperSlope'], 'taxonomy.calibration.upperSlope', 0.01, 10),
    deescalationFactor: num(c['deescalationFactor'], 'taxonomy.calibration.deescalationFactor', 0, 5),
    decay: num(c['decay'], 'taxonomy.calibration.decay', 0, 1),
    leadBoost: num(c['leadBoost'], 'taxonomy.calibration.leadBoost', 0, 3),
    leadTokens: num(c['leadTokens'], 'taxonomy.calibration.leadTokens', 1, 100),
    repeatDecay: num(c['repeatDecay'], 'taxonomy.calibration.repeatDecay', 0, 1),
    violentVocabulary: num(c['violentVocabulary'], 'taxonomy.calibration.violentVocabulary', 0, 5),
    reversal: num(c['reversal'], 'taxonomy.calibration.reversal', 0, 2),
    forceMovement: num(c['forceMovement'], 'taxonomy.calibration.forceMovement', 0, 10),
    claimed: num(c['claimed'], 'taxonomy.calibration.claimed', 0, 1),
    reversalFloor: num(c['reversalFloor'], 'taxonomy.calibration.reversalFloor', 0, 5),
    nonviolentThreat: num(c['nonviolentThreat'], 'taxonomy.calibration.nonviolentThreat', 0, 1),
    concessive: num(c['concessive'], 'taxonomy.calibration.concessive', 0, 1),
    namedReference: num(c['namedReference'], 'taxonomy.calibration.namedReference', 0, 1),
  };
}
