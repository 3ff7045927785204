/**
 * The published figures behind each format preset's safe area and length limit, with where they
 * were read. Platforms change their interfaces; these are working margins, re-checked by date.
 * Pixel figures are at the platform's reference size (1080x1920 vertical, 1080x1350 feed); the
 * presets keep them as fractions so they scale with the output size.
 */
export interface SafeZoneSource {
  preset: string
  /** `top`, `bottom`, `left`, `right`, `all` (every edge) or `maxSec`. */
  edge: string
  /** The figure as published (and its fraction of the frame). */
  figure: string
  /** Address of the page it was read on, or `longav` for a margin of our own (no figure found). */
  source: string
  /** Date read (YYYY-MM-DD). */
  read: string
}

const READ = '2026-12-07'
const TIKTOK = 'https://adfuseai.com/blog/tiktok-ad-sizes-specs-guide'
const TIKTOK_2 = 'https://socaptions.com/blog/tiktok-safe-zones-2026'
const META = 'https://mediamaxnetwork.com/digital-specifications/social-ads/'
const META_2 = 'https://www.imagefactory.co.kr/en/guides/instagram-story-ad-text-safe-zone'
const META_LEN = 'https://stish.app/knowledge-base/meta-ads-specifications-facebook-instagram'
const SHORTS_BOTTOM = 'https://www.youraithumbnailgenerator.com/guides/youtube-shorts-safe-zones-complete-guide'
const SHORTS_RIGHT = 'https://thumbawesome.com/es/blog/optimizing-covers-youtube-shorts'
const SHORTS_LEN = 'https://www.eyerys.com/articles/news/youtube-enabling-3-minute-shorts-giving-users-more-time-tell-their-stories'
const EBU = 'https://www.scribd.com/document/73777630/r095 (EBU R 95, 2008)'
const BKSTS = 'https://oreilly.com/library/view/bksts-illustrated-dictionary/9780240516325/044_9780080500164_appb.html'

const row = (preset: string, edge: string, figure: string, source: string): SafeZoneSource => ({ preset, edge, figure, source, read: READ })

export const SAFE_ZONE_SOURCES: readonly SafeZoneSource[] = [
  row('tiktok', 'top', '150 px of 1920 (7.8 %): profile, search, tabs', TIKTOK),
  row('tiktok', 'bottom', '440 px of 1920 (22.9 %): description, music, CTA', TIKTOK),
  row('tiktok', 'right', '150 px of 1080 (13.9 %): profile photo, like/comment/share column', TIKTOK),
  row('tiktok', 'left', '150 px of 1080 (13.9 %): the guide\'s practical area is 780x1330 centred', TIKTOK),
  row('tiktok', 'all', 'cross-check: top 180-250, bottom 320-460, right 120-180 px caution bands', TIKTOK_2),
  row('tiktok', 'maxSec', 'in-feed ads 5-60 s', TIKTOK),
  row('reels', 'top', '14 % of the height', META),
  row('reels', 'bottom', '35 % of the height', META),
  row('reels', 'left/right', '6 % of the width each side', META),
  row('reels', 'all', 'cross-check at 1440x2560: top 358, bottom 896, sides 86 px (14 / 35 / 6 %)', META_2),
  row('reels', 'maxSec', 'Reels 15-90 s', META_LEN),
  row('shorts', 'bottom', '25 % (about 480 px of 1920): title, channel, subscribe', SHORTS_BOTTOM),
  row('shorts', 'right', '15 % of the width: like/dislike/comment/share column', SHORTS_RIGHT),
  row('shorts', 'top', '150 px of 1920 (7.8 %): assumed like TikTok\'s top bar; no published Shorts figure found', 'longav'),
  row('shorts', 'left', '6 % of the width: assumed like Reels\' sides; no published Shorts figure found', 'longav'),
  row('shorts', 'maxSec', 'Shorts up to 3 minutes (180 s) since 2024-10-15', SHORTS_LEN),
  row('9:16', 'all', 'largest margin of tiktok, reels and shorts on each edge: top 14 %, bottom 35 %, left 13.9 %, right 15 %', 'longav (from the rows above)'),
  row('youtube', 'all', 'graphics-safe area 5 % in from each edge (90 % of width and height)', EBU),
  row('youtube', 'all', 'cross-check: 16:9 safe title area 90 % of the picture height', BKSTS),
  row('16:9', 'all', 'graphics-safe area 5 % in from each edge (as youtube)', EBU),
  row('feed', 'all', '64 px of 1080 on every side (952x1222 of 1080x1350)', META_2),
  row('feed', 'maxSec', 'feed video 1 s to 241 minutes', META_LEN),
  row('4:5', 'all', '64 px per 1080 on every side (as feed)', META_2),
  row('1:1', 'all', '64 px per 1080 on every side (as feed)', META_2),
  row('WxH', 'all', 'explicit sizes: graphics-safe area 5 % in from each edge', EBU),
]
