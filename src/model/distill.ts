/**
 * A student that learns from a trained teacher (knowledge distillation): it may start from the
 * teacher's weights when it has the teacher's shape (quantization-aware training of the same
 * model), and it must learn on the teacher's data split, or its validation names would be
 * names the teacher trained on.
 */
import type { TinySeek } from './tinyseek.ts';

/** The data record a model was trained on (model.json's `data`). */
export interface DataRecord {
  readonly seed: number;
  readonly validationFraction: number;
  readonly vocabulary: 'chars' | 'bytes';
}

/** Why the student's data differs from the teacher's, or undefined. */
export function dataMismatch(student: DataRecord, teacher: DataRecord): string | undefined {
  for (const key of ['seed', 'validationFraction', 'vocabulary'] as const) {
    if (student[key] !== teacher[key]) return `data.${key}: expected the teacher's ${JSON.stringify(teacher[key])} (the same training and validation names), found ${JSON.stringify(student[key])}`;
  }
  return undefined;
}

/** A multi-token prediction module the teacher lacks starts from the student's seed. */
const isNewModule = (student: TinySeek, teacher: TinySeek, name: string): boolean => name.startsWith('mtp.') && teacher.mtp === undefined && student.mtp !== undefined;

/**
 * Why the student cannot start from the teacher's weights (a parameter it lacks or of another
 * shape), or undefined. A student may add a multi-token prediction module to a teacher
 * without one: the module starts from the student's seed, everything else from the teacher.
 */
export function shapeMismatch(student: TinySeek, teacher: TinySeek): string | undefined {
  const shapes = new Map(teacher.params.map((param) => [param.name, param.shape.join('×')]));
  for (const param of student.params) {
    if (isNewModule(student, teacher, param.name)) continue;
    const theirs = shapes.get(param.name);
    if (theirs !== param.shape.join('×')) return `the student's ${param.name} is ${param.shape.join('×')}, the teacher's ${theirs ?? 'is missing'}`;
  }
  const taken = student.params.filter((param) => !isNewModule(student, teacher, param.name)).length;
  if (taken !== teacher.params.length) return `the student has ${taken} parameter tensors to take, the teacher ${teacher.params.length}`;
  return undefined;
}

/** Copies the teacher's weights and gate biases into the student (shapes checked by shapeMismatch). */
export function startFromTeacher(student: TinySeek, teacher: TinySeek): void {
  const values = new Map(teacher.params.map((param) => [param.name, param.value]));
  for (const param of student.params) if (!isNewModule(student, teacher, param.name)) param.value.set(values.get(param.name)!);
  student.blocks.forEach((block, l) => block.moe.gate.bias.set(teacher.blocks[l]!.moe.gate.bias));
}
