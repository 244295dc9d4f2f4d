// Diagnose Pod: pure parsing, classification and report building over cluster records.
export * from './messages';
export * from './records';
export * from './classify';
export * from './report';
