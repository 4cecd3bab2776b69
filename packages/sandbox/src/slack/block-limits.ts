/**
 * Block Kit's published limits, checked the way Slack checks them: a message that breaks one is
 * refused with `invalid_blocks` and one `[ERROR] … [json-pointer:/blocks/…]` line per problem.
 * ec2ops must page or summarise long answers, so the emulator must refuse exactly what Slack does.
 */

export type Surface = 'message' | 'modal';

export const BLOCK_LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  blockId: 255,
  actionId: 255,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  optionText: 75,
  optionValue: 150,
  selectOptions: 100,
  overflowOptions: 5,
  placeholder: 150,
  label: 2000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
} as const;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly errors: string[] = [];

  fail(message: string, pointer: string): void {
    this.errors.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
  }

  maxLength(value: unknown, max: number, pointer: string): void {
    if (typeof value === 'string' && value.length > max) {
      this.fail(`must be less than ${max + 1} characters`, pointer);
    }
  }

  text(
    value: unknown,
    pointer: string,
    opts: { max: number; plainOnly?: boolean; required?: boolean },
  ): void {
    if (value === undefined) {
      if (opts.required !== false) this.fail('missing required field: text', pointer);
      return;
    }
    if (!isObject(value)) {
      this.fail('must be a text object', pointer);
      return;
    }
    const type = value['type'];
    if (type !== 'plain_text' && type !== 'mrkdwn') {
      this.fail('must be one of [plain_text, mrkdwn]', `${pointer}/type`);
      return;
    }
    if (opts.plainOnly && type !== 'plain_text') this.fail('must be plain_text', `${pointer}/type`);
    if (typeof value['text'] !== 'string' || value['text'].length === 0) {
      this.fail('must be more than 0 characters', `${pointer}/text`);
      return;
    }
    this.maxLength(value['text'], opts.max, `${pointer}/text`);
  }

  option(value: unknown, pointer: string): void {
    if (!isObject(value)) {
      this.fail('must be an option object', pointer);
      return;
    }
    this.text(value['text'], `${pointer}/text`, { max: BLOCK_LIMITS.optionText });
    if (typeof value['value'] !== 'string') this.fail('missing required field: value', `${pointer}/value`);
    this.maxLength(value['value'], BLOCK_LIMITS.optionValue, `${pointer}/value`);
  }

  options(value: unknown, pointer: string, max: number): void {
    if (!Array.isArray(value) || value.length === 0) {
      this.fail('must provide at least 1 option', pointer);
      return;
    }
    if (value.length > max) this.fail(`no more than ${max} items allowed`, pointer);
    for (const [i, o] of value.entries()) this.option(o, `${pointer}/${i}`);
  }

  element(value: unknown, pointer: string, actionIds: Set<string>): void {
    if (!isObject(value)) {
      this.fail('must be an element object', pointer);
      return;
    }
    const type = value['type'];
    const actionId = value['action_id'];
    if (actionId !== undefined) {
      if (typeof actionId !== 'string') this.fail('must be a string', `${pointer}/action_id`);
      this.maxLength(actionId, BLOCK_LIMITS.actionId, `${pointer}/action_id`);
      if (typeof actionId === 'string') {
        if (actionIds.has(actionId)) this.fail(`duplicate action_id: ${actionId}`, `${pointer}/action_id`);
        actionIds.add(actionId);
      }
    }
    if (value['placeholder'] !== undefined) {
      this.text(value['placeholder'], `${pointer}/placeholder`, {
        max: BLOCK_LIMITS.placeholder,
        plainOnly: true,
      });
    }
    switch (type) {
      case 'button':
        this.text(value['text'], `${pointer}/text`, { max: BLOCK_LIMITS.buttonText, plainOnly: true });
        this.maxLength(value['value'], BLOCK_LIMITS.buttonValue, `${pointer}/value`);
        this.maxLength(value['url'], BLOCK_LIMITS.url, `${pointer}/url`);
        if (value['style'] !== undefined && value['style'] !== 'primary' && value['style'] !== 'danger') {
          this.fail('must be one of [primary, danger]', `${pointer}/style`);
        }
        return;
      case 'static_select':
      case 'multi_static_select':
        if (value['option_groups'] === undefined) {
          this.options(value['options'], `${pointer}/options`, BLOCK_LIMITS.selectOptions);
        }
        return;
      case 'overflow':
        this.options(value['options'], `${pointer}/options`, BLOCK_LIMITS.overflowOptions);
        return;
      case 'checkboxes':
      case 'radio_buttons':
        this.options(value['options'], `${pointer}/options`, 10);
        return;
      case 'image':
        if (typeof value['image_url'] !== 'string' && value['slack_file'] === undefined) {
          this.fail('missing required field: image_url', `${pointer}/image_url`);
        }
        if (typeof value['alt_text'] !== 'string')
          this.fail('missing required field: alt_text', `${pointer}/alt_text`);
        return;
      case 'external_select':
      case 'multi_external_select':
      case 'users_select':
      case 'multi_users_select':
      case 'conversations_select':
      case 'multi_conversations_select':
      case 'channels_select':
      case 'multi_channels_select':
      case 'datepicker':
      case 'timepicker':
      case 'datetimepicker':
      case 'plain_text_input':
      case 'number_input':
      case 'email_text_input':
      case 'url_text_input':
      case 'rich_text_input':
        return;
      default:
        this.fail(`unsupported type: ${String(type)}`, `${pointer}/type`);
    }
  }

  block(value: unknown, pointer: string, blockIds: Set<string>): void {
    if (!isObject(value)) {
      this.fail('must be a block object', pointer);
      return;
    }
    const blockId = value['block_id'];
    if (blockId !== undefined) {
      if (typeof blockId !== 'string' || blockId.length === 0)
        this.fail('must be a non-empty string', `${pointer}/block_id`);
      this.maxLength(blockId, BLOCK_LIMITS.blockId, `${pointer}/block_id`);
      if (typeof blockId === 'string') {
        if (blockIds.has(blockId)) this.fail(`duplicate block_id: ${blockId}`, `${pointer}/block_id`);
        blockIds.add(blockId);
      }
    }
    const actionIds = new Set<string>();
    switch (value['type']) {
      case 'section': {
        const fields = value['fields'];
        if (value['text'] === undefined && fields === undefined) {
          this.fail('must provide either text or fields', pointer);
        }
        if (value['text'] !== undefined) {
          this.text(value['text'], `${pointer}/text`, { max: BLOCK_LIMITS.sectionText });
        }
        if (fields !== undefined) {
          if (!Array.isArray(fields) || fields.length === 0) {
            this.fail('must provide at least 1 field', `${pointer}/fields`);
          } else {
            if (fields.length > BLOCK_LIMITS.sectionFields) {
              this.fail(`no more than ${BLOCK_LIMITS.sectionFields} items allowed`, `${pointer}/fields`);
            }
            for (const [i, f] of fields.entries())
              this.text(f, `${pointer}/fields/${i}`, { max: BLOCK_LIMITS.fieldText });
          }
        }
        if (value['accessory'] !== undefined)
          this.element(value['accessory'], `${pointer}/accessory`, actionIds);
        return;
      }
      case 'header':
        this.text(value['text'], `${pointer}/text`, { max: BLOCK_LIMITS.headerText, plainOnly: true });
        return;
      case 'divider':
        return;
      case 'context': {
        const elements = value['elements'];
        if (!Array.isArray(elements) || elements.length === 0) {
          this.fail('must provide at least 1 element', `${pointer}/elements`);
          return;
        }
        if (elements.length > BLOCK_LIMITS.contextElements) {
          this.fail(`no more than ${BLOCK_LIMITS.contextElements} items allowed`, `${pointer}/elements`);
        }
        for (const [i, e] of elements.entries()) {
          const p = `${pointer}/elements/${i}`;
          if (isObject(e) && e['type'] === 'image') this.element(e, p, actionIds);
          else this.text(e, p, { max: BLOCK_LIMITS.sectionText });
        }
        return;
      }
      case 'actions': {
        const elements = value['elements'];
        if (!Array.isArray(elements) || elements.length === 0) {
          this.fail('must provide at least 1 element', `${pointer}/elements`);
          return;
        }
        if (elements.length > BLOCK_LIMITS.actionsElements) {
          this.fail(`no more than ${BLOCK_LIMITS.actionsElements} items allowed`, `${pointer}/elements`);
        }
        for (const [i, e] of elements.entries()) this.element(e, `${pointer}/elements/${i}`, actionIds);
        return;
      }
      case 'image':
        this.element(value, pointer, actionIds);
        if (value['title'] !== undefined) {
          this.text(value['title'], `${pointer}/title`, { max: BLOCK_LIMITS.label, plainOnly: true });
        }
        return;
      case 'input':
        this.text(value['label'], `${pointer}/label`, { max: BLOCK_LIMITS.label, plainOnly: true });
        if (value['hint'] !== undefined) {
          this.text(value['hint'], `${pointer}/hint`, { max: BLOCK_LIMITS.label, plainOnly: true });
        }
        if (value['element'] === undefined)
          this.fail('missing required field: element', `${pointer}/element`);
        else this.element(value['element'], `${pointer}/element`, actionIds);
        return;
      case 'rich_text':
      case 'markdown':
      case 'file':
      case 'video':
        return;
      default:
        this.fail(`unsupported type: ${String(value['type'])}`, `${pointer}/type`);
    }
  }
}

/** The `[ERROR] …` lines Slack would answer for these blocks; empty when Slack accepts them. */
export function checkBlocks(blocks: unknown, surface: Surface = 'message'): string[] {
  const checker = new Checker();
  if (!Array.isArray(blocks)) {
    checker.fail('must be an array', '/blocks');
    return checker.errors;
  }
  const max = surface === 'modal' ? BLOCK_LIMITS.modalBlocks : BLOCK_LIMITS.messageBlocks;
  if (blocks.length > max) checker.fail(`no more than ${max} items allowed`, '/blocks');
  const blockIds = new Set<string>();
  for (const [i, b] of blocks.entries()) checker.block(b, `/blocks/${i}`, blockIds);
  return checker.errors;
}
