// The component is shared by every domain's tables; it lives in src/web.
export { TableRegion } from '../web/table-region.tsx';
