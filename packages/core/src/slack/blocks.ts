/**
 * Block Kit builders that cannot produce a message Slack rejects: every text is clipped to
 * Slack's documented limits (with an ellipsis), lists are split into as many blocks as needed,
 * and `paginate` (./paging) turns any number of blocks into pages of at most 50.
 * The shapes are Slack's own JSON; nothing here imports a Slack SDK.
 */

export const LIMITS = {
  blocksPerMessage: 50,
  blocksPerModal: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  modalTitle: 24,
  modalButton: 24,
  callbackId: 255,
  privateMetadata: 3000,
  inputLabel: 2000,
  /** Slack truncates a message's top-level text beyond this. */
  messageText: 40000,
} as const;

export interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}
export interface ConfirmDialog {
  title: TextObject;
  text: TextObject;
  confirm: TextObject;
  deny: TextObject;
  style?: 'primary' | 'danger';
}
export interface ButtonElement {
  type: 'button';
  text: TextObject;
  action_id: string;
  value?: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmDialog;
  url?: string;
}
export interface OptionObject {
  text: TextObject;
  value: string;
}
export interface StaticSelectElement {
  type: 'static_select';
  action_id: string;
  placeholder: TextObject;
  options: OptionObject[];
  initial_option?: OptionObject;
}
export interface PlainTextInputElement {
  type: 'plain_text_input';
  action_id: string;
  initial_value?: string;
  multiline?: boolean;
  placeholder?: TextObject;
}
export type InteractiveElement = ButtonElement | StaticSelectElement;
export type SectionBlock = {
  type: 'section';
  block_id?: string;
  text?: TextObject;
  fields?: TextObject[];
  accessory?: InteractiveElement;
};
export type Block =
  | SectionBlock
  | { type: 'header'; text: TextObject; block_id?: string }
  | { type: 'divider'; block_id?: string }
  | { type: 'context'; elements: TextObject[]; block_id?: string }
  | { type: 'actions'; elements: InteractiveElement[]; block_id?: string }
  | {
      type: 'input';
      block_id: string;
      label: TextObject;
      element: StaticSelectElement | PlainTextInputElement;
      optional?: boolean;
      hint?: TextObject;
    };

/** A message as ec2ops sends it (chat.postMessage, response_url, or an ack body). */
export interface Message {
  /** Notification and accessibility fallback; always set. */
  text: string;
  blocks?: Block[];
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
}

export interface ModalView {
  type: 'modal';
  callback_id: string;
  title: TextObject;
  submit?: TextObject;
  close?: TextObject;
  private_metadata?: string;
  blocks: Block[];
}

/** Cuts text to `max` characters, ending with an ellipsis when something was cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

export const plain = (text: string, max: number = LIMITS.sectionText): TextObject => ({
  type: 'plain_text',
  text: clip(text || ' ', max),
  emoji: true,
});
export const mrkdwn = (text: string, max: number = LIMITS.sectionText): TextObject => ({
  type: 'mrkdwn',
  text: clip(text || ' ', max),
});

export function header(text: string): Block {
  return { type: 'header', text: plain(text, LIMITS.headerText) };
}

export function divider(): Block {
  return { type: 'divider' };
}

/**
 * Markdown text as one or more section blocks: text over 3,000 characters is split at line
 * breaks (or hard-split when a single line is longer), never clipped away.
 */
export function section(text: string, accessory?: InteractiveElement): SectionBlock[] {
  const chunks = splitText(text, LIMITS.sectionText);
  return chunks.map((chunk, i) => {
    const block: SectionBlock = { type: 'section', text: mrkdwn(chunk) };
    if (accessory && i === chunks.length - 1) block.accessory = accessory;
    return block;
  });
}

/** Label/value pairs as two-column sections of at most 10 fields each. */
export function fields(pairs: ReadonlyArray<readonly [string, string]>): SectionBlock[] {
  const blocks: SectionBlock[] = [];
  for (let i = 0; i < pairs.length; i += LIMITS.sectionFields) {
    blocks.push({
      type: 'section',
      fields: pairs
        .slice(i, i + LIMITS.sectionFields)
        .map(([label, value]) => mrkdwn(`*${label}*\n${value}`, LIMITS.fieldText)),
    });
  }
  return blocks;
}

/** Small grey text; at most 10 elements per block. */
export function context(...texts: string[]): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < texts.length; i += LIMITS.contextElements) {
    blocks.push({
      type: 'context',
      elements: texts.slice(i, i + LIMITS.contextElements).map((t) => mrkdwn(t, LIMITS.contextText)),
    });
  }
  return blocks;
}

/** Buttons and selects, split into rows of at most 25. */
export function actions(elements: InteractiveElement[], blockId?: string): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < elements.length; i += LIMITS.actionsElements) {
    const block: Block = { type: 'actions', elements: elements.slice(i, i + LIMITS.actionsElements) };
    if (blockId) block.block_id = clip(i === 0 ? blockId : `${blockId}-${i}`, LIMITS.blockId);
    blocks.push(block);
  }
  return blocks;
}

export function confirmDialog(
  title: string,
  text: string,
  confirm = 'Yes',
  deny = 'Cancel',
  danger = false,
): ConfirmDialog {
  const dialog: ConfirmDialog = {
    title: plain(title, LIMITS.confirmTitle),
    text: mrkdwn(text, LIMITS.confirmText),
    confirm: plain(confirm, LIMITS.confirmButton),
    deny: plain(deny, LIMITS.confirmButton),
  };
  if (danger) dialog.style = 'danger';
  return dialog;
}

/**
 * A button. A value over Slack's 2,000 characters is a programming error (it would be
 * corrupted if clipped), so it throws instead of sending something Slack rejects.
 */
export function button(
  text: string,
  actionId: string,
  options: { value?: string; style?: 'primary' | 'danger'; confirm?: ConfirmDialog; url?: string } = {},
): ButtonElement {
  if (actionId.length > LIMITS.actionId)
    throw new Error(`action_id longer than ${LIMITS.actionId} characters`);
  if (options.value !== undefined && options.value.length > LIMITS.buttonValue) {
    throw new Error(`button value longer than ${LIMITS.buttonValue} characters`);
  }
  const element: ButtonElement = {
    type: 'button',
    text: plain(text, LIMITS.buttonText),
    action_id: actionId,
  };
  if (options.value !== undefined) element.value = options.value;
  if (options.style) element.style = options.style;
  if (options.confirm) element.confirm = options.confirm;
  if (options.url) element.url = options.url;
  return element;
}

/** A drop-down; more than 100 choices are cut to the first 100 (say so in the placeholder). */
export function staticSelect(
  actionId: string,
  placeholder: string,
  choices: ReadonlyArray<{ text: string; value: string }>,
  initialValue?: string,
): StaticSelectElement {
  const options = choices.slice(0, LIMITS.selectOptions).map((c) => ({
    text: plain(c.text, LIMITS.optionText),
    value: clip(c.value, LIMITS.optionValue),
  }));
  const element: StaticSelectElement = {
    type: 'static_select',
    action_id: clip(actionId, LIMITS.actionId),
    placeholder: plain(
      choices.length > LIMITS.selectOptions ? `${placeholder} (first ${LIMITS.selectOptions})` : placeholder,
      150,
    ),
    options,
  };
  const initial = options.find((o) => o.value === initialValue);
  if (initial) element.initial_option = initial;
  return element;
}

export function input(
  blockId: string,
  label: string,
  element: StaticSelectElement | PlainTextInputElement,
  options: { optional?: boolean; hint?: string } = {},
): Block {
  const block: Block = {
    type: 'input',
    block_id: clip(blockId, LIMITS.blockId),
    label: plain(label, LIMITS.inputLabel),
    element,
  };
  if (options.optional) block.optional = true;
  if (options.hint) block.hint = plain(options.hint, LIMITS.inputLabel);
  return block;
}

export function textInput(
  actionId: string,
  options: { initial?: string; placeholder?: string; multiline?: boolean } = {},
): PlainTextInputElement {
  const element: PlainTextInputElement = {
    type: 'plain_text_input',
    action_id: clip(actionId, LIMITS.actionId),
  };
  if (options.initial !== undefined) element.initial_value = options.initial;
  if (options.placeholder) element.placeholder = plain(options.placeholder, 150);
  if (options.multiline) element.multiline = true;
  return element;
}

/** A modal view: at most 100 blocks (extra ones replaced by a note), titles clipped to 24. */
export function modal(
  callbackId: string,
  title: string,
  blocks: Block[],
  options: { submit?: string; close?: string; privateMetadata?: string } = {},
): ModalView {
  if (options.privateMetadata !== undefined && options.privateMetadata.length > LIMITS.privateMetadata) {
    throw new Error(`private_metadata longer than ${LIMITS.privateMetadata} characters`);
  }
  const kept =
    blocks.length <= LIMITS.blocksPerModal
      ? blocks
      : [
          ...blocks.slice(0, LIMITS.blocksPerModal - 1),
          ...context(`…and ${blocks.length - LIMITS.blocksPerModal + 1} more not shown`),
        ];
  const view: ModalView = {
    type: 'modal',
    callback_id: clip(callbackId, LIMITS.callbackId),
    title: plain(title, LIMITS.modalTitle),
    blocks: kept,
  };
  if (options.submit) view.submit = plain(options.submit, LIMITS.modalButton);
  if (options.close) view.close = plain(options.close, LIMITS.modalButton);
  if (options.privateMetadata !== undefined) view.private_metadata = options.privateMetadata;
  return view;
}

/** Splits text into pieces of at most `max` characters, preferring line breaks. */
export function splitText(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const pieces: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    let rest = line;
    while (rest.length > max) {
      if (current) {
        pieces.push(current);
        current = '';
      }
      pieces.push(rest.slice(0, max));
      rest = rest.slice(max);
    }
    const joined = current ? `${current}\n${rest}` : rest;
    if (joined.length > max) {
      pieces.push(current);
      current = rest;
    } else {
      current = joined;
    }
  }
  if (current) pieces.push(current);
  return pieces;
}
