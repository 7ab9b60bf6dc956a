// The dashboard's entry: styles, then the shell into #root.
import { render } from 'preact';
import { Shell } from './shell.js';
import './styles.css';

render(<Shell />, document.getElementById('root') as HTMLElement);
