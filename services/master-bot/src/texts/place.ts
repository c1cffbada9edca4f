import { formatMoment } from '@fs/domain';

/**
 * Master bot texts of 📍 Моя точка and of the replies to a shared location (part of the bot's
 * one texts module). The master's points are only ever shown to staff, never to other masters.
 */

const moment = (at: Date, tz: string | null, now: Date) =>
  tz ? formatMoment(at, tz, now) : at.toISOString();

export interface PlaceView {
  base: { updatedAt: Date } | null;
  live: { updatedAt: Date; until: Date | null; active: boolean } | null;
}

export const placeTexts = {
  screen: (v: PlaceView, tz: string | null, now: Date) => {
    const base = v.base ? `указана (${moment(v.base.updatedAt, tz, now)})` : 'не указана';
    let live = 'не включена';
    if (v.live?.active) {
      live = `идёт, обновлена ${moment(v.live.updatedAt, tz, now)}`;
      if (v.live.until) live += `, до ${moment(v.live.until, tz, now)}`;
    } else if (v.live) {
      live = `закончилась (последнее обновление ${moment(v.live.updatedAt, tz, now)})`;
    }
    return [
      '<b>📍 Моя точка</b>',
      '',
      `🏠 Базовая точка: ${base}`,
      `📡 Трансляция: ${live}`,
      '',
      'По вашей точке мы считаем расстояние до заказов: ближние заказы предлагаются чаще, в пуше видно «≈ N км от вас». Точку видят только сотрудники, другие мастера — никогда.',
      '',
      '• <b>Базовая точка</b> — откуда вы обычно выезжаете. Отправьте сюда геопозицию: 📎 → Геопозиция → «Отправить геопозицию» (можно выбрать точку на карте).',
      '• <b>Трансляция</b> — во время смены: 📎 → Геопозиция → «Транслировать геопозицию». Пока она идёт, расстояние считаем от того места, где вы сейчас; после неё — снова от базовой точки.',
    ].join('\n');
  },
  baseSaved:
    '📍 Базовая точка сохранена. От неё считаем расстояние до заказов, когда трансляция не идёт. Её видят только сотрудники.',
  liveStarted: (until: Date | null, tz: string | null, now: Date) =>
    `📡 Трансляция геопозиции включена${until ? ` до ${moment(until, tz, now)}` : ''}. Пока вы на смене, расстояние до заказов считаем от вашего текущего места. Другие мастера её не видят.`,
  liveOffShift:
    'Трансляция учитывается только во время смены. Включите смену и поделитесь геопозицией снова.',
  liveIgnored: 'Эта трансляция уже закончилась. Чтобы включить новую, поделитесь геопозицией заново.',
  invalid: 'Не удалось распознать геопозицию. Отправьте её ещё раз.',
  notRegistered: 'Геопозицию можно указать после регистрации. Нажмите /start',
};
